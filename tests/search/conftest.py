"""A small fixed corpus of Panlong's services, for relevance and facet tests."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
import requests
import responses
from django.core.cache import cache
from django.utils import timezone
from oscar.core.loading import get_model

from catalog.services import add_offering, create_service
from providers.models import Community, Slot, Street
from search.backends import _backend

Category = get_model("catalogue", "Category")
Partner = get_model("partner", "Partner")

# title, sector slug, sub-category slug or None, summary, description, price, mode, provider key
SERVICES = (
    (
        "免费法律咨询",
        "legal",
        "consultation",
        "社区律师一对一免费解答法律问题",
        "婚姻家庭、劳动争议、邻里纠纷等法律咨询，由值班律师当面解答。",
        "0",
        "onsite",
        "tuodong-legal",
    ),
    (
        "法律援助申请",
        "legal",
        None,
        "经济困难群众可申请免费代理诉讼",
        "符合条件的申请人可获得法律援助律师代理；申请前可先到工作站进行法律咨询。",
        "0",
        "onsite",
        "tuodong-legal",
    ),
    (
        "人民调解",
        "legal",
        None,
        "邻里、物业纠纷的调解",
        "人民调解员和法律顾问共同主持调解，达成协议后可申请司法确认。",
        "0",
        "onsite",
        "gulou-legal",
    ),
    (
        "公证预约",
        "legal",
        None,
        "遗嘱、委托、声明等公证事项",
        "公证处提供遗嘱公证、委托公证与继承公证，按国家标准收费。",
        "200",
        "onsite",
        "gulou-legal",
    ),
    (
        "65岁以上老年人免费健康体检",
        "health",
        "checkup",
        "每年一次免费体检",
        "辖区65周岁以上常住老年人每年可享受一次免费健康体检，含血常规、心电图和B超。",
        "0",
        "onsite",
        "tuodong-health",
    ),
    (
        "家庭医生签约",
        "health",
        None,
        "签约家庭医生团队",
        "签约后享受健康咨询、慢病随访和上门服务。",
        "0",
        "both",
        "tuodong-health",
    ),
    (
        "儿童预防接种",
        "health",
        None,
        "国家免疫规划疫苗接种",
        "适龄儿童按免疫程序接种疫苗，请携带预防接种证。",
        "0",
        "onsite",
        "gulou-health",
    ),
    (
        "入职健康检查",
        "health",
        "checkup",
        "新入职员工体检",
        "包括内科、胸透和肝功能检查，当天出具报告。",
        "120",
        "onsite",
        "gulou-health",
    ),
    (
        "城乡居民基本养老保险参保登记",
        "social",
        None,
        "未参加职工养老保险的居民参保",
        "年满16周岁、未参加城镇职工基本养老保险的城乡居民，可办理社会保险参保登记。",
        "0",
        "onsite",
        "tuodong-social",
    ),
    (
        "城乡居民基本医疗保险参保缴费",
        "social",
        None,
        "医疗保险参保与年度缴费",
        "城乡居民医疗保险每年集中缴费，属于社会保险，可在社区办理参保。",
        "0",
        "online",
        "tuodong-social",
    ),
    (
        "少儿英语角 English Corner",
        "culture",
        None,
        "周末英语口语活动",
        "图书馆志愿者带领孩子练习英语会话 (ages 6-12)。",
        "0",
        "onsite",
        "gulou-library",
    ),
    (
        "书法培训班",
        "culture",
        None,
        "毛笔书法公益课堂",
        "文化馆老师教授楷书基础，每期十课。",
        "50",
        "onsite",
        "gulou-library",
    ),
)

PROVIDERS = {
    "tuodong-legal": ("拓东街道公共法律服务工作站", "tuodong", "tuodong-jinma"),
    "gulou-legal": ("鼓楼街道公共法律服务工作站", "gulou", "gulou-baita"),
    "tuodong-health": ("拓东街道社区卫生服务中心", "tuodong", "tuodong-jinma"),
    "gulou-health": ("鼓楼街道社区卫生服务中心", "gulou", "gulou-baita"),
    "tuodong-social": ("拓东街道社会保障服务中心", "tuodong", "tuodong-jinma"),
    "gulou-library": ("盘龙区图书馆鼓楼分馆", "gulou", "gulou-baita"),
}

SECTORS = {
    "legal": "法律服务",
    "health": "医疗健康",
    "social": "社会保障",
    "culture": "文化",
    "education": "教育",
}
SUBCATEGORIES = {"consultation": ("legal", "法律咨询"), "checkup": ("health", "健康体检")}


@dataclass
class Corpus:
    services: dict
    providers: dict
    categories: dict

    def __getitem__(self, title):
        return self.services[title]


@pytest.fixture(autouse=True)
def fresh_synonyms():
    # Synonyms are cached per process; a test must not see another test's list.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def unreachable_cluster(settings):
    """Search through an Elasticsearch cluster that refuses every connection."""
    _backend.cache_clear()
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.SEARCH_ES_URL = "http://search.test:9200"
    with responses.RequestsMock(assert_all_requests_are_fired=False) as cluster:
        cluster.add(
            responses.POST,
            "http://search.test:9200/panlong-services/_search",
            body=requests.exceptions.ConnectionError("Connection refused"),
        )
        yield cluster
    _backend.cache_clear()


@pytest.fixture
def corpus(db):
    streets = {
        "tuodong": Street.objects.get_or_create(slug="tuodong", defaults={"name": "拓东街道", "position": 1})[0],
        "gulou": Street.objects.get_or_create(slug="gulou", defaults={"name": "鼓楼街道", "position": 2})[0],
    }
    communities = {
        "tuodong-jinma": Community.objects.get_or_create(
            slug="tuodong-jinma", defaults={"street": streets["tuodong"], "name": "金马社区"}
        )[0],
        "gulou-baita": Community.objects.get_or_create(
            slug="gulou-baita", defaults={"street": streets["gulou"], "name": "白塔社区"}
        )[0],
    }
    categories = {slug: Category.add_root(name=name, slug=slug) for slug, name in SECTORS.items()}
    for slug, (parent, name) in SUBCATEGORIES.items():
        categories[slug] = categories[parent].add_child(name=name, slug=slug)
    providers = {
        code: Partner.objects.create(
            name=name, code=code, street=streets[street], community=communities[community], address="盘龙区"
        )
        for code, (name, street, community) in PROVIDERS.items()
    }
    services = {}
    for title, sector, sub, summary, description, price, mode, provider in SERVICES:
        service = create_service(title, categories[sub or sector], summary=summary, description=description, mode=mode)
        add_offering(service, providers[provider], Decimal(price))
        services[title] = service
    return Corpus(services=services, providers=providers, categories=categories)


def open_slot(service, starts_in=timedelta(days=2), capacity=2, **fields):
    """An open slot of the service's first offering, ``starts_in`` from now."""
    offering = service.stockrecords.order_by("pk").first()
    starts_at = (timezone.now() + starts_in).replace(second=0, microsecond=0)
    return Slot.objects.create(
        offering=offering, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=30), capacity=capacity, **fields
    )
