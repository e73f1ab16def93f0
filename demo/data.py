"""Demo data for Kunming's Panlong District (盘龙区), loaded by ``manage.py seed_demo``.

Plain tables, no database access. Every row has a stable natural key (a
slug, a code or an email) so the command can upsert instead of duplicate.
The 12 streets are real; community names are real where known and
otherwise plausible local names, 103 in all as in the district. Providers,
addresses, phone numbers and coordinates are realistic but invented.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils.html import format_html, format_html_join
from wagtail.rich_text import RichText

DEMO_PASSWORD = "Panlong-2026!"
SITE_NAME = "盘龙区公共服务云超市"
BOOK_AHEAD_DAYS = 14

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
MON_FRI = (MON, TUE, WED, THU, FRI)
MON_SAT = (*MON_FRI, SAT)
TUE_SUN = (TUE, WED, THU, FRI, SAT, SUN)


# --- Places ---------------------------------------------------------------

# (street slug, street name, ((community slug suffix, community name), …)).
# A community's slug is "<street>-<suffix>".
STREETS = (
    (
        "tuodong",
        "拓东街道",
        (
            ("tuodong", "拓东社区"),
            ("jinma", "金马社区"),
            ("tangzixiang", "塘子巷社区"),
            ("baita", "白塔社区"),
            ("tongren", "同仁社区"),
            ("taihe", "太和社区"),
            ("dongfeng", "东风社区"),
            ("jinbi", "金碧社区"),
            ("xunjin", "巡津社区"),
            ("shulin", "书林社区"),
            ("zhuangyuanlou", "状元楼社区"),
        ),
    ),
    (
        "gulou",
        "鼓楼街道",
        (
            ("qingnianlu", "青年路社区"),
            ("beimen", "北门社区"),
            ("yuantong", "圆通社区"),
            ("beijinglu", "北京路社区"),
            ("gulou", "鼓楼社区"),
            ("huancheng", "环城社区"),
            ("xiaocaiyuan", "小菜园社区"),
            ("chuanxin", "穿心鼓楼社区"),
            ("beicang", "北仓社区"),
            ("dongzhuang", "东庄社区"),
            ("lianyun", "莲云社区"),
            ("wuyi", "五一社区"),
        ),
    ),
    (
        "donghua",
        "东华街道",
        (
            ("donghua", "东华社区"),
            ("bailong", "白龙社区"),
            ("jinshang", "金尚社区"),
            ("chuanjin", "穿金社区"),
            ("baiyun", "白云社区"),
            ("xinying", "新迎社区"),
            ("wanhua", "万华社区"),
            ("dongxing", "东兴社区"),
            ("huaxing", "华兴社区"),
            ("panjiang", "盘江社区"),
            ("juhua", "菊华社区"),
            ("mingtong", "明通社区"),
        ),
    ),
    (
        "lianmeng",
        "联盟街道",
        (
            ("lianmeng", "联盟社区"),
            ("beichen", "北辰社区"),
            ("jinxing", "金星社区"),
            ("jinkangyuan", "金康园社区"),
            ("baishahe", "白沙河社区"),
            ("wanhong", "万宏社区"),
            ("yinhai", "银海社区"),
            ("yunshan", "云山社区"),
            ("hongyun", "鸿云社区"),
        ),
    ),
    (
        "jinchen",
        "金辰街道",
        (
            ("jinchen", "金辰社区"),
            ("jinjiang", "金江社区"),
            ("fengyuan", "沣源社区"),
            ("beishi", "北市社区"),
            ("shangzhuang", "上庄社区"),
            ("xiazhuang", "下庄社区"),
            ("jinshi", "金实社区"),
            ("jinniu", "金牛社区"),
            ("jinkang", "金康社区"),
            ("chenyuan", "辰源社区"),
        ),
    ),
    (
        "qingyun",
        "青云街道",
        (
            ("qingyun", "青云社区"),
            ("xiaoba", "小坝社区"),
            ("jiangdong", "江东社区"),
            ("yangchang", "羊肠社区"),
            ("shibo", "世博社区"),
            ("banshan", "半山社区"),
            ("yunhai", "云海社区"),
            ("qingfeng", "青峰社区"),
            ("yuanbo", "园博社区"),
            ("jingyuan", "菁苑社区"),
        ),
    ),
    (
        "longquan",
        "龙泉街道",
        (
            ("longquan", "龙泉社区"),
            ("luosuopo", "落索坡社区"),
            ("sijiaying", "司家营社区"),
            ("taoyuan", "桃园社区"),
            ("longtoucun", "龙头村社区"),
            ("wayao", "瓦窑社区"),
            ("baoyun", "宝云社区"),
            ("zhongba", "中坝社区"),
            ("yushu", "雨树社区"),
            ("jinlong", "金龙社区"),
            ("longhua", "龙华社区"),
        ),
    ),
    (
        "ciba",
        "茨坝街道",
        (
            ("ciba", "茨坝社区"),
            ("xincun", "新村社区"),
            ("niujiezhuang", "牛街庄社区"),
            ("heilongtan", "黑龙潭社区"),
            ("gangtou", "岗头社区"),
            ("huayuan", "花园社区"),
            ("jinrui", "金瑞社区"),
            ("yunfeng", "云峰社区"),
        ),
    ),
    (
        "shuanglong",
        "双龙街道",
        (
            ("xiaohe", "小河社区"),
            ("shilipu", "十里铺社区"),
            ("maichong", "麦冲社区"),
            ("zhuyuan", "竹园社区"),
            ("shuangshao", "双哨社区"),
        ),
    ),
    (
        "songhua",
        "松华街道",
        (
            ("songhua", "松华社区"),
            ("erjie", "二街社区"),
            ("mingjia", "明家社区"),
            ("dashiba", "大石坝社区"),
            ("ganhaizi", "干海子社区"),
        ),
    ),
    (
        "dianyuan",
        "滇源街道",
        (
            ("dianwei", "甸尾社区"),
            ("baiyi", "白邑社区"),
            ("cangfang", "苍房社区"),
            ("zhongsuo", "中所社区"),
            ("sanzhuanwan", "三转弯社区"),
        ),
    ),
    (
        "aziying",
        "阿子营街道",
        (
            ("aziying", "阿子营社区"),
            ("tiechong", "铁冲社区"),
            ("diantou", "甸头社区"),
            ("guodong", "果东社区"),
            ("shujie", "鼠街社区"),
        ),
    ),
)

# Average registered residents per community, by street: about 970,000 in all. The old town
# (拓东, 鼓楼, 东华) and the newer city districts are dense; the northern mountain streets
# (茨坝, 双龙, 松华, 滇源, 阿子营) are villages spread over a large area.
COMMUNITY_RESIDENTS = {
    "tuodong": 10_500,
    "gulou": 11_000,
    "donghua": 11_500,
    "lianmeng": 12_500,
    "jinchen": 10_500,
    "qingyun": 9_000,
    "longquan": 13_500,
    "ciba": 7_000,
    "shuanglong": 4_000,
    "songhua": 3_200,
    "dianyuan": 5_200,
    "aziying": 3_600,
}


def community_population(street, community_slug):
    """The street's average within ±25 %, rounded to ten: the same number for a community on every run."""
    import random

    share = random.Random(community_slug).uniform(0.75, 1.25)
    return round(COMMUNITY_RESIDENTS[street] * share, -1)


# --- Sectors (Oscar categories) -------------------------------------------


@dataclass(frozen=True)
class Sector:
    slug: str
    name: str
    intro: str
    children: tuple  # ((slug, name), …)


SECTORS = (
    Sector(
        "education",
        "教育",
        "课后托管、兴趣培训、家庭教育和老年课堂，学校和青少年活动中心就在家门口。",
        (
            ("education-after-school", "课后服务"),
            ("education-interest", "兴趣培训"),
            ("education-family", "家庭教育"),
            ("education-adult", "老年与成人教育"),
            ("education-enrolment", "入学服务"),
        ),
    ),
    Sector(
        "health",
        "医疗健康",
        "社区卫生服务中心提供健康体检、家庭医生签约、预防接种、妇幼保健和慢病管理，线上预约，少排队。",
        (
            ("health-checkup", "健康体检"),
            ("health-family-doctor", "家庭医生"),
            ("health-vaccination", "预防接种"),
            ("health-maternal-child", "妇幼保健"),
            ("health-chronic", "慢病管理与康复"),
        ),
    ),
    Sector(
        "legal",
        "法律服务",
        "“三官一律师”进社区，打造10分钟“法律服务圈”：一对一免费法律咨询、人民调解、法律援助和法治宣传。",
        (
            ("legal-consultation", "法律咨询"),
            ("legal-mediation", "人民调解"),
            ("legal-aid", "法律援助"),
            ("legal-education", "法治宣传"),
        ),
    ),
    Sector(
        "social-security",
        "社会保障",
        "养老、医疗保险参保，社保卡办理，就业创业和社会救助，先预约再到窗口，一次办好。",
        (
            ("social-security-pension", "养老保险"),
            ("social-security-medical", "医疗保险"),
            ("social-security-card", "社保卡"),
            ("social-security-employment", "就业创业"),
            ("social-security-assistance", "社会救助"),
        ),
    ),
    Sector(
        "culture",
        "文化",
        "图书馆、文化馆和街道综合文化站的公益课堂、阅读活动、文体培训和非遗体验。",
        (
            ("culture-reading", "图书阅读"),
            ("culture-arts", "艺术培训"),
            ("culture-sports", "文体活动"),
            ("culture-heritage", "非遗传承"),
        ),
    ),
)


# --- Providers (Oscar partners) -------------------------------------------

LEGAL_HOURS = "周一至周六 9:00–11:30，14:30–17:00；律师、民警、检察官、法官轮流值班"
HEALTH_HOURS = "周一至周五 8:00–12:00，14:30–17:30；周六上午体检、接种"
WINDOW_HOURS = "周一至周五 9:00–12:00，13:30–17:00（法定节假日除外）"
SCHOOL_HOURS = "上学日 16:30–18:30 课后服务；周末兴趣班"
LIBRARY_HOURS = "周二至周日 9:00–21:00，周一闭馆"
CULTURE_HOURS = "周二至周日 9:00–21:00，周一闭馆；晚间活动以排期为准"


@dataclass(frozen=True)
class Provider:
    code: str
    name: str
    kind: str  # a providers.models.Partner.Kind value
    street: str
    community: str  # full community slug
    address: str
    phone: str
    latitude: str
    longitude: str
    opening_notes: str


PROVIDERS = (
    # Public legal services: the district centre and the "三官一律师" stations.
    Provider(
        "district-legal",
        "盘龙区公共法律服务中心",
        "legal_station",
        "gulou",
        "gulou-beijinglu",
        "盘龙区北京路 1079 号",
        "0871-65616348",
        "25.058216",
        "102.720437",
        "周一至周五 9:00–12:00，14:30–17:30；12348 法律服务热线全天接听",
    ),
    Provider(
        "tuodong-legal",
        "拓东街道公共法律服务工作站",
        "legal_station",
        "tuodong",
        "tuodong-jinma",
        "盘龙区拓东路 12 号",
        "0871-63100000",
        "25.035812",
        "102.721906",
        LEGAL_HOURS,
    ),
    Provider(
        "gulou-legal",
        "鼓楼街道三官一律师法律服务站",
        "legal_station",
        "gulou",
        "gulou-qingnianlu",
        "盘龙区青年路 389 号",
        "0871-63189021",
        "25.046930",
        "102.717352",
        LEGAL_HOURS,
    ),
    Provider(
        "donghua-legal",
        "东华街道三官一律师法律服务站",
        "legal_station",
        "donghua",
        "donghua-bailong",
        "盘龙区白龙路 188 号",
        "0871-65743310",
        "25.061457",
        "102.737208",
        LEGAL_HOURS,
    ),
    Provider(
        "lianmeng-legal",
        "联盟街道三官一律师法律服务站",
        "legal_station",
        "lianmeng",
        "lianmeng-beichen",
        "盘龙区北辰大道 58 号",
        "0871-65735562",
        "25.079604",
        "102.722719",
        LEGAL_HOURS,
    ),
    Provider(
        "jinchen-legal",
        "金辰街道三官一律师法律服务站",
        "legal_station",
        "jinchen",
        "jinchen-fengyuan",
        "盘龙区沣源路 366 号",
        "0871-65127743",
        "25.093812",
        "102.726545",
        LEGAL_HOURS,
    ),
    Provider(
        "qingyun-legal",
        "青云街道三官一律师法律服务站",
        "legal_station",
        "qingyun",
        "qingyun-qingyun",
        "盘龙区穿金路 699 号",
        "0871-65019836",
        "25.070263",
        "102.743881",
        LEGAL_HOURS,
    ),
    Provider(
        "longquan-legal",
        "龙泉街道三官一律师法律服务站",
        "legal_station",
        "longquan",
        "longquan-longquan",
        "盘龙区龙泉路 1266 号",
        "0871-65211870",
        "25.112076",
        "102.746310",
        LEGAL_HOURS,
    ),
    # Community health service centres.
    Provider(
        "tuodong-health",
        "拓东街道社区卫生服务中心",
        "health_centre",
        "tuodong",
        "tuodong-tuodong",
        "盘龙区拓东路 156 号",
        "0871-63138125",
        "25.034607",
        "102.726733",
        HEALTH_HOURS,
    ),
    Provider(
        "gulou-health",
        "鼓楼街道社区卫生服务中心",
        "health_centre",
        "gulou",
        "gulou-yuantong",
        "盘龙区圆通北路 52 号",
        "0871-65150372",
        "25.052934",
        "102.713671",
        HEALTH_HOURS,
    ),
    Provider(
        "donghua-health",
        "东华街道社区卫生服务中心",
        "health_centre",
        "donghua",
        "donghua-jinshang",
        "盘龙区金尚路 88 号",
        "0871-63315029",
        "25.057781",
        "102.745192",
        HEALTH_HOURS,
    ),
    Provider(
        "lianmeng-health",
        "联盟街道社区卫生服务中心",
        "health_centre",
        "lianmeng",
        "lianmeng-lianmeng",
        "盘龙区联盟路 210 号",
        "0871-65733480",
        "25.083325",
        "102.716928",
        HEALTH_HOURS,
    ),
    Provider(
        "qingyun-health",
        "青云街道社区卫生服务中心",
        "health_centre",
        "qingyun",
        "qingyun-shibo",
        "盘龙区世博路 25 号",
        "0871-65015246",
        "25.075519",
        "102.752604",
        HEALTH_HOURS,
    ),
    Provider(
        "longquan-health",
        "龙泉街道社区卫生服务中心",
        "health_centre",
        "longquan",
        "longquan-sijiaying",
        "盘龙区龙泉路 877 号",
        "0871-65224163",
        "25.103949",
        "102.740186",
        HEALTH_HOURS,
    ),
    Provider(
        "dianyuan-health",
        "滇源街道卫生院",
        "health_centre",
        "dianyuan",
        "dianyuan-dianwei",
        "盘龙区滇源街道甸尾村 218 号",
        "0871-67821120",
        "25.336205",
        "102.834417",
        "周一至周日 8:00–17:30；急诊 24 小时",
    ),
    # Schools and the youth centre.
    Provider(
        "mingtong-school",
        "昆明市盘龙区明通小学",
        "school",
        "donghua",
        "donghua-mingtong",
        "盘龙区明通路 6 号",
        "0871-63116652",
        "25.041378",
        "102.732951",
        SCHOOL_HOURS,
    ),
    Provider(
        "donghua-school",
        "盘龙区东华小学",
        "school",
        "donghua",
        "donghua-donghua",
        "盘龙区东华小区东华路 31 号",
        "0871-63302418",
        "25.063650",
        "102.734027",
        SCHOOL_HOURS,
    ),
    Provider(
        "jinchen-school",
        "盘龙区金辰小学",
        "school",
        "jinchen",
        "jinchen-jinshi",
        "盘龙区金实路 15 号",
        "0871-65108237",
        "25.097106",
        "102.722314",
        SCHOOL_HOURS,
    ),
    Provider(
        "youth-centre",
        "盘龙区青少年校外活动中心",
        "school",
        "tuodong",
        "tuodong-baita",
        "盘龙区白塔路 396 号",
        "0871-63181905",
        "25.041102",
        "102.728834",
        "周二至周五 14:00–20:00，周六、周日 8:30–17:30",
    ),
    # Social security: the district hall and street service centres.
    Provider(
        "district-hrss",
        "盘龙区人力资源和社会保障局政务服务窗口",
        "social_security",
        "lianmeng",
        "lianmeng-jinxing",
        "盘龙区金星路 160 号",
        "0871-65739921",
        "25.073587",
        "102.728961",
        WINDOW_HOURS,
    ),
    Provider(
        "gulou-ss",
        "鼓楼街道便民服务中心（社保窗口）",
        "social_security",
        "gulou",
        "gulou-beimen",
        "盘龙区北门街 93 号",
        "0871-65152703",
        "25.054460",
        "102.709733",
        WINDOW_HOURS,
    ),
    Provider(
        "jinchen-ss",
        "金辰街道便民服务中心（社保窗口）",
        "social_security",
        "jinchen",
        "jinchen-jinchen",
        "盘龙区金辰路 72 号",
        "0871-65126618",
        "25.090318",
        "102.731047",
        WINDOW_HOURS,
    ),
    Provider(
        "longquan-ss",
        "龙泉街道便民服务中心（社保窗口）",
        "social_security",
        "longquan",
        "longquan-longhua",
        "盘龙区龙泉路 1388 号",
        "0871-65218830",
        "25.118547",
        "102.748072",
        WINDOW_HOURS,
    ),
    # Libraries.
    Provider(
        "district-library",
        "盘龙区图书馆",
        "library",
        "tuodong",
        "tuodong-dongfeng",
        "盘龙区东风东路 39 号",
        "0871-63164482",
        "25.039824",
        "102.719610",
        LIBRARY_HOURS,
    ),
    Provider(
        "longquan-library",
        "盘龙区图书馆龙泉分馆",
        "library",
        "longquan",
        "longquan-baoyun",
        "盘龙区宝云路 17 号",
        "0871-65226015",
        "25.108830",
        "102.734605",
        LIBRARY_HOURS,
    ),
    # Culture hall and street culture stations.
    Provider(
        "district-culture",
        "盘龙区文化馆",
        "culture_hall",
        "donghua",
        "donghua-bailong",
        "盘龙区白龙路 505 号",
        "0871-65740617",
        "25.066084",
        "102.739552",
        CULTURE_HOURS,
    ),
    Provider(
        "tuodong-culture",
        "拓东街道综合文化站",
        "culture_hall",
        "tuodong",
        "tuodong-tangzixiang",
        "盘龙区塘子巷 41 号",
        "0871-63125508",
        "25.031570",
        "102.723784",
        CULTURE_HOURS,
    ),
    Provider(
        "songhua-culture",
        "松华街道综合文化站",
        "culture_hall",
        "songhua",
        "songhua-songhua",
        "盘龙区松华街道松华村 8 号",
        "0871-65898012",
        "25.152931",
        "102.803215",
        "周一至周六 9:00–17:30；农忙时节以公告为准",
    ),
    Provider(
        "aziying-culture",
        "阿子营街道综合文化站",
        "culture_hall",
        "aziying",
        "aziying-aziying",
        "盘龙区阿子营街道阿子营村 102 号",
        "0871-67850216",
        "25.318664",
        "102.812470",
        "周一至周六 9:00–17:30",
    ),
)


# --- Schedules: when each kind of service has slots ------------------------


@dataclass(frozen=True)
class Session:
    """On these weekdays, from ``start`` to ``end``, slots of ``minutes`` with ``capacity`` places each."""

    weekdays: tuple
    start: str
    end: str
    minutes: int
    capacity: int
    held_for_counter: int = 0


SCHEDULES = {
    # one-to-one with a lawyer: 30 minutes, one resident
    "lawyer": (Session(MON_SAT, "09:00", "11:30", 30, 1), Session(MON_SAT, "14:30", "17:00", 30, 1)),
    "mediation": (Session(MON_FRI, "09:00", "12:00", 60, 1), Session(MON_FRI, "14:30", "17:30", 60, 1)),
    "legal_aid": (Session(MON_FRI, "09:00", "11:30", 30, 2), Session(MON_FRI, "14:30", "17:00", 30, 2)),
    # 法治大讲堂: one two-hour session a week for thirty
    "law_lecture": (Session((WED,), "14:30", "16:30", 120, 30, held_for_counter=5),),
    "friday_lecture": (Session((FRI,), "09:30", "11:00", 90, 30),),
    "youth_law": (Session((SAT,), "10:00", "11:30", 90, 30),),
    # health checks are done fasting, in the morning
    "health_check": (Session(MON_SAT, "08:00", "11:00", 60, 8, held_for_counter=2),),
    "premarital_check": (Session((TUE, THU), "08:00", "11:00", 60, 6),),
    "clinic": (Session(MON_FRI, "08:30", "11:30", 30, 3), Session(MON_FRI, "14:30", "16:30", 30, 3)),
    "home_visit": (Session(MON_FRI, "14:30", "17:30", 60, 1),),
    "vaccination": (
        Session((MON, TUE, THU, FRI), "08:30", "11:30", 60, 10),
        Session((MON, TUE, THU, FRI), "14:30", "16:30", 60, 10),
    ),
    "hpv": (Session((TUE, THU), "08:30", "11:30", 30, 2),),
    "acupuncture": (Session(MON_SAT, "08:30", "11:30", 30, 2), Session(MON_SAT, "14:30", "17:00", 30, 2)),
    # government windows: half-hour appointments, a few per window
    "window": (
        Session(MON_FRI, "09:00", "12:00", 30, 3, held_for_counter=1),
        Session(MON_FRI, "13:30", "17:00", 30, 3, held_for_counter=1),
    ),
    "advisor": (Session(MON_FRI, "09:30", "11:30", 60, 2), Session(MON_FRI, "14:30", "16:30", 60, 2)),
    "skills_class": (Session((TUE, THU), "09:00", "11:30", 150, 25),),
    "after_school": (Session(MON_FRI, "16:30", "18:30", 120, 40),),
    "saturday_class": (Session((SAT,), "09:30", "11:00", 90, 15), Session((SAT,), "14:30", "16:00", 90, 15)),
    "swimming": (Session((SAT, SUN), "09:00", "10:00", 60, 12), Session((SAT, SUN), "10:30", "11:30", 60, 12)),
    "sunday_workshop": (Session((SUN,), "14:00", "16:00", 120, 12),),
    "homework_help": (Session((SAT,), "09:00", "11:00", 120, 20),),
    "evening_talk": (Session((THU,), "19:00", "20:30", 90, 50),),
    "counselling": (Session(MON_FRI, "14:30", "17:30", 60, 1),),
    "senior_class": (Session((TUE, THU), "09:30", "11:00", 90, 25),),
    "library_desk": (Session(TUE_SUN, "09:30", "11:30", 30, 5), Session(TUE_SUN, "14:00", "17:30", 30, 5)),
    "story_time": (Session((SAT,), "10:00", "11:00", 60, 25),),
    "parent_reading": (Session((SUN,), "10:00", "11:30", 90, 20),),
    "study_room": (
        Session(TUE_SUN, "09:00", "12:00", 180, 40),
        Session(TUE_SUN, "14:00", "17:30", 210, 40),
        Session(TUE_SUN, "18:30", "21:00", 150, 40),
    ),
    "culture_class": (Session((TUE, THU), "09:30", "11:30", 120, 20),),
    "dance": (Session((TUE, THU), "19:30", "21:00", 90, 30),),
    "guzheng": (Session((SAT,), "14:30", "16:00", 90, 10),),
    "chorus": (Session((WED,), "19:00", "21:00", 120, 40),),
    "photography": (Session((SAT,), "09:30", "11:30", 120, 20),),
    "embroidery": (Session((SUN,), "14:30", "16:30", 120, 15),),
    "huadeng": (Session((FRI,), "14:30", "16:30", 120, 30),),
    "tai_chi": (Session((MON, WED, FRI), "07:30", "08:30", 60, 30),),
    "cinema": (Session((SAT,), "19:30", "21:30", 120, 80),),
    "rehearsal_room": (Session(MON_SAT, "09:00", "21:00", 120, 1),),
}


# --- Services (Oscar products) and who offers them --------------------------

ON_SITE_STEPS = (
    "在本平台选择服务机构和时段，提交预约，记下预约核验码",
    "按预约时间到场，向工作人员出示核验码或二维码签到",
    "工作人员核验后提供服务",
    "服务结束后可在“我的预约”中评价",
)
ONLINE_STEPS = (
    "在本平台选择时段并提交预约，写明要咨询的问题",
    "预约时间前 10 分钟，在“我的预约”中打开视频链接",
    "律师视频连线解答，必要时发送书面意见",
    "服务结束后可在“我的预约”中评价",
)
ID_CARD = "居民身份证（或户口簿、社保卡）"


@dataclass(frozen=True)
class Service:
    slug: str
    title: str
    category: str  # sub-category slug
    summary: str
    who: str  # 适用对象
    materials: tuple  # 所需材料
    schedule: str  # a key of SCHEDULES
    offerings: tuple  # ((provider code, price in yuan), …)
    steps: tuple = ()  # 办理流程; the on-site (or online) steps when empty
    fee: str = ""  # 收费标准; worked out from the prices when empty
    mode: str = "onsite"
    cancel_until_hours: int = 2
    max_active_per_resident: int = 2
    one_per_day: bool = False  # a check-up is one visit a day for each person
    notes: tuple = field(default=())  # 温馨提示
    # Who may book it (catalog EligibilityRule): ((kind, {field: value}), …); a street by its slug.
    eligibility: tuple = ()

    @property
    def duration_minutes(self):
        return SCHEDULES[self.schedule][0].minutes

    @property
    def is_paid(self):
        return any(float(price) > 0 for _code, price in self.offerings)

    def fee_text(self):
        prices = sorted({price for _code, price in self.offerings}, key=float)
        if self.fee:
            return self.fee
        if not self.is_paid:
            return "免费。"
        if len(prices) == 1:
            return f"每次 {prices[0]} 元，预约时在线支付；取消预约按规定全额退款。"
        return f"每次 {prices[0]}–{prices[-1]} 元（各机构价格见预约页），预约时在线支付。"

    def guide_blocks(self, documents=None):
        """The service guide (办事指南) as the ServicePage's StreamField sections.

        ``documents`` maps a key of DOCUMENTS to its Wagtail document, for the downloads section.
        """
        steps = self.steps or (ONLINE_STEPS if self.mode == "online" else ON_SITE_STEPS)
        blocks = [
            ("who", RichText(format_html("<p>{}</p>", self.who))),
            ("materials", [{"name": material, "note": ""} for material in self.materials]),
            ("steps", [{"title": step, "detail": ""} for step in steps]),
            ("fees", RichText(format_html("<p>{}</p>", self.fee_text()))),
        ]
        laws = LEGAL_BASIS.get(self.slug) or LEGAL_BASIS.get(self.category, ())
        if laws:
            blocks.append(("legal_basis", [{"law": law, "article": article, "url": ""} for law, article in laws]))
        if self.slug in FAQ:
            blocks.append(
                (
                    "faq",
                    [
                        {"question": question, "answer": RichText(format_html("<p>{}</p>", answer))}
                        for question, answer in FAQ[self.slug]
                    ],
                )
            )
        wanted = [(key, documents[key]) for key in DOWNLOADS.get(self.slug, ()) if documents and key in documents]
        if wanted:
            blocks.append(
                ("downloads", [{"document": document, "title": DOCUMENTS[key].title} for key, document in wanted])
            )
        if self.notes:
            items = format_html_join("", "<li>{}</li>", ((note,) for note in self.notes))
            blocks.append(("notes", RichText(format_html("<ul>{}</ul>", items))))
        return blocks

    def other_ways(self):
        """How else to get the service when no time can be booked online (phone, walk-in hours)."""
        sector = next(
            sector.slug for sector in SECTORS if any(slug == self.category for slug, _name in sector.children)
        )
        return OTHER_WAYS.get(self.slug) or OTHER_WAYS[sector]

    def guide_html(self):
        """The service guide (办事指南): who can apply, materials, steps, fees."""
        steps = self.steps or (ONLINE_STEPS if self.mode == "online" else ON_SITE_STEPS)
        parts = [
            format_html("<h3>适用对象</h3><p>{}</p>", self.who),
            format_html(
                "<h3>所需材料</h3><ul>{}</ul>", format_html_join("", "<li>{}</li>", ((m,) for m in self.materials))
            ),
            format_html("<h3>办理流程</h3><ol>{}</ol>", format_html_join("", "<li>{}</li>", ((s,) for s in steps))),
            format_html("<h3>收费标准</h3><p>{}</p>", self.fee_text()),
        ]
        if self.notes:
            parts.append(
                format_html(
                    "<h3>温馨提示</h3><ul>{}</ul>", format_html_join("", "<li>{}</li>", ((n,) for n in self.notes))
                )
            )
        return "".join(parts)


LEGAL_STATIONS = (
    "tuodong-legal",
    "gulou-legal",
    "donghua-legal",
    "lianmeng-legal",
    "jinchen-legal",
    "qingyun-legal",
    "longquan-legal",
)
HEALTH_CENTRES = (
    "tuodong-health",
    "gulou-health",
    "donghua-health",
    "lianmeng-health",
    "qingyun-health",
    "longquan-health",
    "dianyuan-health",
)
SS_WINDOWS = ("district-hrss", "gulou-ss", "jinchen-ss", "longquan-ss")


def free(*codes):
    return tuple((code, "0") for code in codes)


SERVICES = (
    # ---- 法律服务 ----
    Service(
        "free-legal-consultation",
        "免费法律咨询",
        "legal-consultation",
        "社区律师一对一免费解答婚姻家庭、劳动、邻里、合同等法律问题。",
        "盘龙区居民及在盘龙区工作、生活的人员。",
        (ID_CARD, "与问题有关的合同、协议、判决书、聊天记录等材料（复印件即可）"),
        "lawyer",
        free(*LEGAL_STATIONS),
        notes=("每次咨询约 30 分钟，请提前整理好要问的问题。", "涉及诉讼的，律师可告知是否符合法律援助条件。"),
    ),
    Service(
        "online-legal-consultation",
        "线上视频法律咨询",
        "legal-consultation",
        "不出门，和公共法律服务中心的值班律师视频一对一咨询。",
        "行动不便、外出务工或工作时间无法到场的盘龙区居民。",
        ("能视频通话的手机或电脑", "相关材料的照片或扫描件"),
        "lawyer",
        free("district-legal"),
        mode="online",
    ),
    Service(
        "contract-review-consultation",
        "合同审查咨询",
        "legal-consultation",
        "租房、买卖、借款、装修等合同签订前，请律师帮您看一看。",
        "签订民事合同前需要法律意见的居民、个体工商户。",
        (ID_CARD, "合同文本（草稿或已签订的）", "双方往来的相关凭证"),
        "lawyer",
        free("district-legal"),
    ),
    Service(
        "labour-dispute-consultation",
        "劳动争议法律咨询",
        "legal-consultation",
        "拖欠工资、工伤认定、解除劳动合同赔偿等问题，律师一对一解答。",
        "与用人单位发生劳动争议的劳动者。",
        (ID_CARD, "劳动合同或能证明劳动关系的材料（工牌、考勤、工资流水等）", "已有的仲裁或协商材料"),
        "lawyer",
        free("lianmeng-legal", "jinchen-legal"),
    ),
    Service(
        "family-law-consultation",
        "婚姻家庭法律咨询",
        "legal-consultation",
        "离婚、抚养、赡养、继承等家事问题，律师为您保密解答。",
        "有婚姻家庭、继承方面法律问题的居民。",
        (ID_CARD, "结婚证、户口簿、房产证明等相关材料"),
        "lawyer",
        free("gulou-legal", "longquan-legal"),
    ),
    Service(
        "people-mediation",
        "人民调解预约",
        "legal-mediation",
        "邻里、物业、家庭、消费纠纷，由人民调解员免费调解，调解协议依法有效。",
        "发生民间纠纷、愿意通过调解解决的当事人（一方申请即可，调解需双方自愿）。",
        (ID_CARD, "纠纷的基本情况说明", "相关证据材料", "对方当事人的姓名和联系方式"),
        "mediation",
        free("tuodong-legal", "gulou-legal", "longquan-legal", "district-legal"),
        steps=(
            "在本平台预约调解时段，写明纠纷情况",
            "调解员电话联系双方，确认对方是否同意调解",
            "双方按约定时间到调解室，调解员主持调解",
            "达成协议的，当场制作人民调解协议书；可申请司法确认",
        ),
        max_active_per_resident=1,
    ),
    Service(
        "notary-mediation",
        "公证人民调解",
        "legal-mediation",
        "盘龙区公证人民调解委员会调解涉及财产、继承的纠纷，调解协议可办理公证。",
        "遗产分割、房产、借贷等财产纠纷的当事人。",
        (ID_CARD, "财产权属证明（不动产权证、存款凭证等）", "亲属关系证明（涉及继承时）"),
        "mediation",
        free("district-legal"),
        fee="调解免费；当事人申请办理公证的，按云南省公证收费标准另行收取。",
        max_active_per_resident=1,
    ),
    Service(
        "neighbour-mediation",
        "老王调解室邻里纠纷调解",
        "legal-mediation",
        "噪音、漏水、停车、养犬……老调解员在社区里帮邻里把话说开。",
        "东华街道及周边社区发生邻里纠纷的居民。",
        (ID_CARD, "纠纷情况的照片、视频等材料（如有）"),
        "mediation",
        free("donghua-legal"),
        max_active_per_resident=1,
    ),
    Service(
        "legal-aid-guidance",
        "法律援助申请指导",
        "legal-aid",
        "经济困难、需要打官司的，工作人员帮您判断条件、准备材料、提交申请。",
        "经济困难的公民；追索劳动报酬、工伤赔偿的劳动者；老年人、残疾人、未成年人等特殊群体。",
        (ID_CARD, "经济困难状况说明表（现场填写）", "与案件有关的材料", "低保证、特困证等（如有，可免于经济状况审查）"),
        "legal_aid",
        free("district-legal", "longquan-legal"),
        steps=(
            "在本平台预约指导时段",
            "到场后工作人员初步审查是否符合法律援助条件",
            "现场填写《法律援助申请表》并提交材料",
            "法律援助机构 7 个工作日内作出决定，符合条件的指派律师",
        ),
    ),
    Service(
        "migrant-wage-legal-aid",
        "农民工讨薪法律援助",
        "legal-aid",
        "被拖欠工资的农民工申请法律援助，免予经济困难审查，快速受理。",
        "在盘龙区务工、被拖欠劳动报酬的农民工。",
        (ID_CARD, "欠薪证据：考勤记录、工资条、欠条、工友证言等", "用工单位或包工头的名称、联系方式"),
        "legal_aid",
        free("district-legal"),
    ),
    Service(
        "law-lecture",
        "法治大讲堂",
        "legal-education",
        "“盘龙法治大讲堂”每周一讲：法官、律师用身边案例讲民法典。",
        "所有居民，欢迎社区干部、网格员、物业工作人员参加。",
        ("无需材料，凭预约核验码入场",),
        "law_lecture",
        free("district-legal", "lianmeng-legal"),
        cancel_until_hours=4,
        max_active_per_resident=1,
        notes=("每场 120 分钟，含 20 分钟现场答疑。",),
    ),
    Service(
        "elderly-anti-fraud-lecture",
        "老年人防诈骗法治讲座",
        "legal-education",
        "保健品、以房养老、冒充公检法……民警和律师教老人识破骗局。",
        "60 岁以上老年人及其家属。",
        ("无需材料，凭预约核验码入场",),
        "friday_lecture",
        free("tuodong-legal", "qingyun-legal"),
        cancel_until_hours=4,
        max_active_per_resident=1,
    ),
    Service(
        "youth-law-class",
        "青少年法治课堂",
        "legal-education",
        "模拟法庭、校园欺凌案例讨论，检察官带孩子学法。",
        "10–16 岁青少年，可由家长代为预约。",
        ("学生证或户口簿",),
        "youth_law",
        free("district-legal"),
        cancel_until_hours=4,
        max_active_per_resident=1,
    ),
    # ---- 医疗健康 ----
    Service(
        "elderly-health-checkup",
        "65岁以上老人免费健康体检",
        "health-checkup",
        "国家基本公共卫生服务项目：每年一次免费体检，含血常规、肝肾功能、心电图、B超。",
        "辖区内常住的 65 周岁及以上老年人（每年可免费体检一次）。",
        (ID_CARD, "医保卡", "既往病历、用药清单（如有）"),
        "health_check",
        free(*HEALTH_CENTRES),
        steps=(
            "在本平台预约体检时段",
            "体检当天早上空腹（禁食 8 小时以上）到场，出示核验码",
            "依次完成问诊、抽血、心电图、B超等项目",
            "约 7 个工作日后由家庭医生反馈体检结果和健康指导",
        ),
        cancel_until_hours=12,
        max_active_per_resident=1,
        one_per_day=True,
        notes=("体检前一天清淡饮食，不要饮酒。", "行动不便的老人可由家属陪同。"),
        eligibility=(("age", {"min_age": 65}), ("per_year", {"per_year": 1}), ("residence", {})),
    ),
    Service(
        "family-doctor-signup",
        "家庭医生签约",
        "health-family-doctor",
        "签约社区家庭医生团队，获得健康管理、慢病随访、优先预约等服务。",
        "辖区常住居民，优先为老年人、孕产妇、儿童、慢病患者、残疾人签约。",
        (ID_CARD, "医保卡", "近期体检报告或病历（如有）"),
        "clinic",
        free("tuodong-health", "gulou-health", "donghua-health", "lianmeng-health", "longquan-health"),
        fee="基础签约服务免费；个性化服务包按云南省规定标准收费，签约前告知。",
        max_active_per_resident=1,
    ),
    Service(
        "family-doctor-home-visit",
        "家庭医生上门随访",
        "health-family-doctor",
        "已签约的失能、高龄老人，家庭医生上门测血压血糖、调整用药。",
        "已签约家庭医生、行动不便的居民。",
        ("签约居民的身份证号", "常用药品和近期检查报告"),
        "home_visit",
        free("tuodong-health", "qingyun-health"),
        steps=(
            "在本平台预约上门时段，填写详细住址",
            "家庭医生提前一天电话确认",
            "医生按约定时间上门随访",
            "随访结果记入居民健康档案",
        ),
        cancel_until_hours=12,
        max_active_per_resident=1,
    ),
    Service(
        "child-vaccination",
        "儿童预防接种",
        "health-vaccination",
        "国家免疫规划疫苗免费接种，按预防接种证上的时间预约。",
        "0–6 岁儿童（以接种证或接种 App 提示的时间为准）。",
        ("儿童预防接种证", "儿童户口簿或出生医学证明", "监护人身份证"),
        "vaccination",
        free("tuodong-health", "donghua-health", "qingyun-health", "longquan-health"),
        steps=(
            "在本平台预约接种时段",
            "到场后由医生询问健康状况，签署知情同意书",
            "接种疫苗",
            "在接种点留观 30 分钟，无异常后离开",
        ),
        cancel_until_hours=4,
        max_active_per_resident=1,
        notes=("孩子发热、腹泻或患急性病时请取消预约，痊愈后再接种。",),
    ),
    Service(
        "adult-flu-vaccine",
        "成人流感疫苗接种",
        "health-vaccination",
        "四价流感疫苗，每年秋冬季接种一剂。",
        "18 周岁以上、无疫苗禁忌的成年人；慢病患者和医护人员尤其建议接种。",
        (ID_CARD,),
        "vaccination",
        (("gulou-health", "128"), ("lianmeng-health", "128")),
        cancel_until_hours=4,
        max_active_per_resident=1,
    ),
    Service(
        "hpv-vaccine",
        "九价HPV疫苗预约接种",
        "health-vaccination",
        "九价人乳头瘤病毒疫苗，共三剂，本预约为单剂接种。",
        "9–45 周岁女性，无妊娠、无疫苗禁忌。",
        (ID_CARD, "此前各剂次的接种记录（接种第二、三剂时）"),
        "hpv",
        (("donghua-health", "1318"),),
        fee="每剂 1318 元（含疫苗费和接种服务费），预约时在线支付；取消预约全额退款。",
        cancel_until_hours=24,
        max_active_per_resident=1,
    ),
    Service(
        "maternal-health-management",
        "孕产妇健康管理",
        "health-maternal-child",
        "孕早期建档、孕期随访和产后访视，免费纳入国家基本公共卫生服务。",
        "辖区常住孕产妇（孕 13 周前建档最佳）。",
        ("夫妻双方身份证", "结婚证或生育登记凭证", "医院出具的早孕检查报告"),
        "clinic",
        free("gulou-health", "donghua-health", "longquan-health"),
    ),
    Service(
        "child-health-checkup",
        "0–6岁儿童健康检查",
        "health-maternal-child",
        "身高体重、生长发育、视力、口腔检查，按月龄定期体检。",
        "辖区常住 0–6 岁儿童，由家长陪同。",
        ("儿童保健手册", "儿童医保卡或户口簿"),
        "clinic",
        free("tuodong-health", "lianmeng-health"),
        max_active_per_resident=1,
        one_per_day=True,
        eligibility=(("age", {"max_age": 6}), ("residence", {})),
    ),
    Service(
        "child-dental-sealant",
        "儿童口腔检查与窝沟封闭",
        "health-maternal-child",
        "适龄儿童免费口腔检查和窝沟封闭，预防龋齿。",
        "6–9 岁儿童（第一、二恒磨牙萌出后）。",
        ("儿童户口簿或医保卡", "学校发放的口腔检查通知（如有）"),
        "clinic",
        free("tuodong-health", "donghua-health"),
        one_per_day=True,
        eligibility=(("age", {"min_age": 6, "max_age": 9}),),
    ),
    Service(
        "premarital-checkup",
        "免费婚前孕前健康检查",
        "health-maternal-child",
        "准备结婚或怀孕的夫妻，免费一站式婚检孕检。",
        "户籍或居住在盘龙区、计划结婚或怀孕的夫妻。",
        ("夫妻双方身份证", "户口簿或居住证", "结婚证（孕前检查时）"),
        "premarital_check",
        free("gulou-health"),
        cancel_until_hours=12,
        max_active_per_resident=1,
        eligibility=(("residence", {}),),
        notes=("检查当天请空腹，女方避开月经期。",),
    ),
    Service(
        "chronic-disease-followup",
        "高血压糖尿病随访管理",
        "health-chronic",
        "每季度一次免费随访：测血压、血糖，调整用药和生活方式指导。",
        "已确诊高血压、2 型糖尿病的辖区居民。",
        (ID_CARD, "医保卡", "正在服用的药品或处方"),
        "clinic",
        free("tuodong-health", "gulou-health", "qingyun-health", "dianyuan-health"),
    ),
    Service(
        "tcm-constitution",
        "中医体质辨识与养生指导",
        "health-chronic",
        "中医师望闻问切辨识体质，给出饮食起居和穴位保健建议。",
        "65 岁以上老年人和 0–36 个月儿童免费；其他居民也可预约。",
        (ID_CARD,),
        "clinic",
        free("donghua-health", "longquan-health"),
    ),
    Service(
        "tcm-acupuncture",
        "中医针灸理疗",
        "health-chronic",
        "颈肩腰腿痛针灸、推拿、拔罐理疗，社区医院价格。",
        "经医生评估适合理疗的居民。",
        (ID_CARD, "医保卡（可按规定报销）"),
        "acupuncture",
        (("longquan-health", "35"), ("gulou-health", "35")),
        fee="每次 35 元，预约时在线支付；符合医保规定的部分可退费后报销。",
    ),
    # ---- 社会保障 ----
    Service(
        "resident-pension-enrolment",
        "城乡居民养老保险参保登记",
        "social-security-pension",
        "未参加职工养老保险的居民，办理城乡居民基本养老保险参保登记。",
        "年满 16 周岁（在校学生除外）、未参加职工基本养老保险的盘龙区户籍居民。",
        (ID_CARD, "户口簿", "本人银行卡或社保卡（用于缴费）"),
        "window",
        free(*SS_WINDOWS),
        fee="办理免费；养老保险费按本人选择的缴费档次缴纳。",
    ),
    Service(
        "pension-qualification",
        "养老金领取资格认证",
        "social-security-pension",
        "每年一次领取资格认证；不会手机认证的老人可预约到窗口办理。",
        "领取城乡居民或职工养老金的人员。",
        (ID_CARD, "社保卡"),
        "window",
        free("district-hrss", "gulou-ss"),
        mode="both",
    ),
    Service(
        "retirement-application",
        "职工退休申报",
        "social-security-pension",
        "达到退休年龄的参保职工，办理退休申报和养老金核定。",
        "在盘龙区参保、达到法定退休年龄的企业职工和灵活就业人员。",
        (ID_CARD, "本人档案（由单位或存档机构提供）", "社保卡", "近期一寸免冠照片 2 张"),
        "window",
        free("district-hrss"),
        max_active_per_resident=1,
    ),
    Service(
        "resident-medical-insurance",
        "城乡居民医疗保险参保",
        "social-security-medical",
        "城乡居民基本医疗保险参保登记和缴费，新生儿、学生、灵活就业人员均可办理。",
        "未参加职工医保的盘龙区户籍居民、持居住证的常住人口、在校学生和新生儿。",
        (ID_CARD, "户口簿或居住证", "新生儿出生医学证明（为新生儿参保时）"),
        "window",
        free(*SS_WINDOWS),
        fee="办理免费；医保费按当年昆明市城乡居民医保缴费标准缴纳。",
    ),
    Service(
        "medical-reimbursement",
        "异地就医备案与医疗费用报销",
        "social-security-medical",
        "到外地看病前办理备案；已在外地垫付的医疗费用，预约窗口报销。",
        "盘龙区参保的职工医保、城乡居民医保参保人。",
        (ID_CARD, "社保卡", "医疗费用发票原件、费用清单、出院小结（报销时）"),
        "window",
        free("district-hrss"),
    ),
    Service(
        "social-security-card",
        "社保卡办理",
        "social-security-card",
        "第三代社保卡申领、即时制卡，当场领卡。",
        "在盘龙区参保的人员；16 岁以下可由监护人代办。",
        (ID_CARD, "近期免冠照片（可现场拍照）", "代办时提供代办人身份证"),
        "window",
        free("district-hrss", "gulou-ss", "jinchen-ss"),
        fee="首次申领免费；补换卡工本费按规定标准收取。",
    ),
    Service(
        "social-security-card-replacement",
        "社保卡挂失补换",
        "social-security-card",
        "社保卡丢失、损坏，先挂失再补换，即时制卡。",
        "社保卡丢失、损坏或信息变更的持卡人。",
        (ID_CARD, "损坏的原卡（换卡时）"),
        "window",
        free("district-hrss", "longquan-ss"),
        fee="补卡、换卡按云南省规定收取工本费；损坏换卡免费。",
    ),
    Service(
        "employment-guidance",
        "就业创业指导",
        "social-security-employment",
        "职业指导师一对一：求职规划、简历修改、岗位推荐和创业政策解读。",
        "高校毕业生、失业人员、就业困难人员、返乡创业人员。",
        (ID_CARD, "个人简历（如有）", "毕业证或职业资格证书（如有）"),
        "advisor",
        free("district-hrss", "longquan-ss"),
    ),
    Service(
        "startup-guarantee-loan",
        "创业担保贷款申请",
        "social-security-employment",
        "个人最高 30 万元创业担保贷款，财政贴息，预约窗口审核材料。",
        "在盘龙区创业的高校毕业生、返乡创业人员、退役军人、登记失业人员等。",
        (ID_CARD, "营业执照", "经营场所租赁合同", "创业计划书"),
        "window",
        free("district-hrss"),
        max_active_per_resident=1,
    ),
    Service(
        "vocational-training",
        "职业技能培训（家政、育婴、电工）",
        "social-security-employment",
        "政府补贴的职业技能培训，结业可参加职业技能等级认定。",
        "有就业意愿的劳动年龄人口，失业人员和农村转移劳动力优先。",
        (ID_CARD, "近期一寸免冠照片 2 张", "学历证明"),
        "skills_class",
        free("district-hrss"),
        fee="培训费由政府补贴，个人免费。",
        max_active_per_resident=1,
    ),
    Service(
        "minimum-living-allowance",
        "最低生活保障申请指导",
        "social-security-assistance",
        "家庭收入低于低保标准的，工作人员指导填写申请、准备材料。",
        "共同生活的家庭成员人均收入低于昆明市城乡低保标准、财产符合规定的家庭。",
        ("家庭成员身份证、户口簿", "家庭收入和财产情况说明", "残疾证、病历等（如有）"),
        "window",
        free("gulou-ss", "jinchen-ss", "longquan-ss"),
        max_active_per_resident=1,
    ),
    Service(
        "disability-subsidy",
        "残疾人两项补贴申请",
        "social-security-assistance",
        "困难残疾人生活补贴和重度残疾人护理补贴申请受理。",
        "持第二代残疾人证、符合条件的盘龙区户籍残疾人。",
        ("残疾人证", ID_CARD, "低保证（申请生活补贴时）", "本人银行卡"),
        "window",
        free("gulou-ss"),
        max_active_per_resident=1,
        eligibility=(("group", {"group": "残疾人", "evidence": "第二代残疾人证"}),),
    ),
    Service(
        "temporary-assistance",
        "临时救助申请",
        "social-security-assistance",
        "因火灾、交通事故、重病等突发困难，申请临时救助。",
        "遭遇突发性、紧迫性困难，基本生活暂时出现严重困难的家庭或个人。",
        (ID_CARD, "困难情况证明（医疗费票据、事故证明等）"),
        "window",
        free("longquan-ss"),
        max_active_per_resident=1,
    ),
    # ---- 教育 ----
    Service(
        "after-school-care",
        "课后托管服务",
        "education-after-school",
        "放学后在校托管两小时：作业辅导、阅读和体育活动，家长下班再接。",
        "本校 1–6 年级学生，由家长预约。",
        ("学生姓名、班级", "家长联系电话"),
        "after_school",
        free("mingtong-school", "donghua-school", "jinchen-school"),
        fee="免费（财政保障）。",
        cancel_until_hours=3,
        max_active_per_resident=5,
    ),
    Service(
        "weekend-homework-help",
        "周末作业辅导（大学生志愿者）",
        "education-after-school",
        "云南大学、昆明理工大学志愿者周末辅导作业、答疑解惑。",
        "小学 3 年级至初中 3 年级学生。",
        ("作业和课本",),
        "homework_help",
        free("donghua-school", "longquan-library"),
    ),
    Service(
        "youth-coding-class",
        "青少年编程兴趣班",
        "education-interest",
        "从图形化编程到 Python，每节课做出一个小作品。",
        "8–14 岁青少年，零基础可报。",
        ("学生证或户口簿", "自带笔记本电脑（可向中心借用）"),
        "saturday_class",
        (("youth-centre", "30"), ("jinchen-school", "30")),
        fee="每节课 30 元（公益价，含材料费），预约时在线支付。",
    ),
    Service(
        "kids-swimming",
        "少儿游泳",
        "education-interest",
        "专业教练小班教学，从不怕水到独立游 25 米。",
        "5–12 岁、身体健康的儿童。",
        ("近期体检证明（心肺功能正常）", "泳衣、泳帽、泳镜"),
        "swimming",
        (("youth-centre", "40"),),
        fee="每节课 40 元，预约时在线支付。",
        notes=("家长请在观众区等候。",),
    ),
    Service(
        "kids-art-class",
        "少儿美术兴趣班",
        "education-interest",
        "线描、水彩、手工，培养孩子的观察力和想象力。",
        "5–12 岁儿童。",
        ("画具由中心提供",),
        "saturday_class",
        (("youth-centre", "25"),),
    ),
    Service(
        "youth-robotics",
        "青少年机器人科创营",
        "education-interest",
        "搭建、编程、比赛：动手做一台会走路的机器人。",
        "9–15 岁青少年。",
        ("学生证或户口簿",),
        "sunday_workshop",
        (("youth-centre", "50"),),
    ),
    Service(
        "parenting-lecture",
        "家庭教育讲座",
        "education-family",
        "心理老师讲亲子沟通、青春期陪伴和学习习惯养成。",
        "中小学生家长。",
        ("无需材料",),
        "evening_talk",
        free("mingtong-school", "district-library"),
        cancel_until_hours=4,
        max_active_per_resident=1,
    ),
    Service(
        "youth-psychological-counselling",
        "青少年心理健康辅导",
        "education-family",
        "心理咨询师一对一，倾听孩子的烦恼，保护隐私。",
        "8–18 岁青少年，未成年人需家长陪同首次来访。",
        ("学生证或户口簿",),
        "counselling",
        free("youth-centre", "donghua-school"),
        max_active_per_resident=1,
    ),
    Service(
        "senior-smartphone-class",
        "老年大学智能手机课",
        "education-adult",
        "手把手教老人用健康码、移动支付、网上挂号和视频通话。",
        "60 岁以上老年人。",
        ("自己的智能手机（充好电）",),
        "senior_class",
        free("district-culture", "longquan-library"),
    ),
    Service(
        "enrolment-consultation",
        "义务教育招生入学咨询",
        "education-enrolment",
        "小学、初中招生划片、入学条件和报名材料，一对一解答。",
        "适龄儿童家长。",
        ("户口簿", "房产证明或租赁合同", "监护人身份证"),
        "window",
        free("mingtong-school", "donghua-school", "jinchen-school"),
    ),
    Service(
        "migrant-children-enrolment",
        "随迁子女入学材料审核",
        "education-enrolment",
        "在盘龙区务工、居住的家庭，预约审核子女入学材料。",
        "持昆明市居住证、在盘龙区务工的家庭的适龄子女。",
        ("父母身份证和居住证", "务工或经营证明（劳动合同、营业执照）", "户口簿", "儿童预防接种证"),
        "window",
        free("donghua-school"),
        max_active_per_resident=1,
    ),
    # ---- 文化 ----
    Service(
        "library-card",
        "图书馆读者证办理",
        "culture-reading",
        "免押金办理读者证，凭证借阅图书、使用电子资源。",
        "所有居民；16 岁以下由监护人陪同办理少儿证。",
        (ID_CARD,),
        "library_desk",
        free("district-library", "longquan-library"),
        fee="免费，免押金。",
    ),
    Service(
        "kids-story-time",
        "少儿绘本故事会",
        "culture-reading",
        "每周六上午，故事姐姐讲绘本、做手工。",
        "3–8 岁儿童，一名家长陪同。",
        ("少儿读者证（可现场办理）",),
        "story_time",
        free("district-library", "longquan-library"),
        cancel_until_hours=4,
    ),
    Service(
        "parent-child-reading",
        "亲子阅读指导",
        "culture-reading",
        "阅读推广人教家长怎样选书、怎样陪孩子读。",
        "0–12 岁儿童的家长。",
        ("无需材料",),
        "parent_reading",
        free("district-library"),
        cancel_until_hours=4,
    ),
    Service(
        "study-room",
        "自习室座位预约",
        "culture-reading",
        "安静明亮的自习座位，分上午、下午、晚上三个时段。",
        "持读者证的读者。",
        ("读者证",),
        "study_room",
        free("district-library"),
        cancel_until_hours=1,
        max_active_per_resident=3,
        notes=("预约后 30 分钟未签到的座位将被释放。",),
    ),
    Service(
        "calligraphy-class",
        "文化馆书法公益课",
        "culture-arts",
        "书法老师教楷书基本笔画和结构，笔墨纸砚现场提供。",
        "成年人和 10 岁以上青少年。",
        ("无需材料",),
        "culture_class",
        free("district-culture", "tuodong-culture"),
    ),
    Service(
        "guzheng-class",
        "古筝考级培训",
        "culture-arts",
        "小班古筝课，按考级曲目循序教学。",
        "7 岁以上有一定基础的学员。",
        ("自备指甲和胶布；古筝由文化馆提供",),
        "guzheng",
        (("district-culture", "60"),),
    ),
    Service(
        "community-chorus",
        "社区合唱团排练",
        "culture-arts",
        "拓东街道社区合唱团每周三晚排练，新团员欢迎试唱。",
        "爱唱歌的居民，不限年龄。",
        ("无需材料",),
        "chorus",
        free("tuodong-culture"),
    ),
    Service(
        "photography-class",
        "摄影基础课",
        "culture-arts",
        "构图、用光和手机摄影技巧，课后外拍翠湖、圆通山。",
        "摄影爱好者，手机、相机均可。",
        ("手机或相机",),
        "photography",
        (("district-culture", "20"),),
    ),
    Service(
        "rehearsal-room",
        "文化馆排练厅预约",
        "culture-arts",
        "120 平方米排练厅，配音响和镜墙，团队排练两小时一场。",
        "社区文艺团队、学校社团和其他群众文化团体。",
        ("团队负责人身份证", "团队名称和人数"),
        "rehearsal_room",
        (("district-culture", "50"),),
        fee="每场（2 小时）50 元，预约时在线支付；公益演出排练可申请免费。",
        cancel_until_hours=24,
    ),
    Service(
        "square-dance-training",
        "广场舞培训",
        "culture-sports",
        "文化馆舞蹈老师教规范动作和新编曲目，兼顾健身与安全。",
        "所有居民，社区广场舞队领队优先。",
        ("运动鞋",),
        "dance",
        free("district-culture", "tuodong-culture", "songhua-culture"),
    ),
    Service(
        "tai-chi",
        "太极拳晨练班",
        "culture-sports",
        "二十四式太极拳，一期学会，强身健体。",
        "身体健康的成年人，老年人尤其适合。",
        ("宽松衣服和平底鞋",),
        "tai_chi",
        free("district-culture", "songhua-culture", "aziying-culture"),
    ),
    Service(
        "rural-cinema",
        "农村公益电影放映",
        "culture-sports",
        "每周六晚露天放映，新片和经典影片轮流看。",
        "所有村（居）民。",
        ("无需材料，自带小板凳",),
        "cinema",
        free("songhua-culture", "aziying-culture"),
        cancel_until_hours=1,
        max_active_per_resident=4,
    ),
    Service(
        "yi-embroidery",
        "彝族刺绣非遗体验课",
        "culture-heritage",
        "非遗传承人教彝族刺绣针法，完成一件小绣品带回家。",
        "10 岁以上、对传统手工艺感兴趣的居民。",
        ("无需材料，针线布料现场提供",),
        "embroidery",
        (("district-culture", "35"), ("aziying-culture", "35")),
        fee="每次 35 元（材料费），预约时在线支付。",
    ),
    Service(
        "huadeng-opera",
        "云南花灯戏欣赏与学唱",
        "culture-heritage",
        "花灯剧团演员示范表演，教唱经典花灯小调。",
        "所有居民。",
        ("无需材料",),
        "huadeng",
        free("district-culture", "songhua-culture"),
    ),
)


# --- People ---------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    email: str
    name: str
    phone: str
    is_staff: bool = False
    is_superuser: bool = False
    provider: str = ""  # provider code: staff of this provider
    groups: tuple = ()  # Django auth groups, e.g. Wagtail's "Editors"
    # Whose pages they write or approve (cms.editorial): a sector's slug, NEWS or MODERATION.
    editorial_role: str = ""
    # An operator of the 12348 hotline (热线坐席, marketplace.hotline.operators): books for callers.
    hotline_operator: bool = False
    # What the services' eligibility rules read: a date of birth (ISO) and a community's slug.
    birth_date: str = ""
    community: str = ""
    # A supervisor of matters (督办, marketplace.matters.supervision): a street's slug, or DISTRICT.
    supervises: str = ""


NEWS = "news"
MODERATION = "moderation"
DISTRICT = "district"


USERS = (
    # 68, of 拓东社区: the free over-65 check-up is hers to book, once a year.
    Person("resident@example.com", "张丽", "13812345678", birth_date="1958-04-12", community="tuodong-tuodong"),
    Person("admin@example.com", "盘龙区管理员", "13700871001", is_staff=True, is_superuser=True),
    Person("editor@example.com", "王编辑", "13700871002", editorial_role="legal"),
    Person("health-editor@example.com", "孙编辑", "13700871003", editorial_role="health"),
    Person("news-editor@example.com", "周编辑", "13700871004", editorial_role=NEWS),
    Person("moderator@example.com", "吴审核", "13700871005", editorial_role=MODERATION),
    Person("hotline@example.com", "钱坐席", "13700871006", hotline_operator=True),
    Person("tuodong-supervisor@example.com", "郑督办", "13700871007", supervises="tuodong"),
    Person("district-supervisor@example.com", "冯督办", "13700871008", supervises=DISTRICT),
    # Provider staff work in the provider console only: neither is_staff nor Oscar's partner
    # dashboard permission (providers.staff.may_use_the_dashboard).
    Person("tuodong-legal@example.com", "李律师", "13700871101", provider="tuodong-legal"),
    Person("gulou-health@example.com", "赵医生", "13700871102", provider="gulou-health"),
    Person("district-hrss@example.com", "陈科员", "13700871103", provider="district-hrss"),
    Person("district-library@example.com", "刘馆员", "13700871104", provider="district-library"),
    Person("youth-centre@example.com", "杨老师", "13700871105", provider="youth-centre"),
)

# Every other provider gets one staff account too: someone has to check residents in, mark no-shows and
# answer follow-up cases in the demo's history. "<provider code>@example.com", demo password.
STAFF_NAMES = ("何", "罗", "段", "马", "郭", "普", "杜", "施", "苏", "董", "字", "彭")
STAFF_TITLES = {
    "legal_station": "律师",
    "health_centre": "医生",
    "school": "老师",
    "social_security": "科员",
    "library": "馆员",
    "culture_hall": "老师",
}
USERS += tuple(
    Person(
        f"{provider.code}@example.com",
        STAFF_NAMES[index % len(STAFF_NAMES)] + STAFF_TITLES.get(provider.kind, "老师"),
        f"13700872{index:03d}",
        provider=provider.code,
    )
    for index, provider in enumerate(PROVIDERS)
    if provider.code not in {person.provider for person in USERS}
)

# Demo residents whose bookings, visits and ratings make up the history behind the street index.
# "resident-001@example.com" …, demo password; their names are only ever shown masked (张*).
RESIDENT_POOL = 240
RESIDENT_SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈"
RESIDENT_GIVEN = (
    "丽", "伟", "芳", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "桂英",
    "建华", "建国", "玉兰", "春梅", "志强", "海燕", "晓东", "文华", "丽华", "国庆", "红梅", "云", "琼",
)  # fmt: skip


def resident_details(number):
    """(date of birth, community slug) of demo resident ``number``: ages 18 to 89, a third 65 or over,
    living in the district's communities in turn."""
    communities = [f"{street}-{suffix}" for street, _name, places in STREETS for suffix, _n in places]
    year = 1937 + (number * 29) % 72
    community = GRID_NEIGHBOURS_COMMUNITY if number in GRID_NEIGHBOURS else communities[number % len(communities)]
    return date(year, 1 + number % 12, 1 + number % 28), community


# Pool residents who live in the demo grid worker's community (demo/grid.py): those who agree to be seen by her.
GRID_NEIGHBOURS = (3, 8, 14, 21, 27)
GRID_NEIGHBOURS_COMMUNITY = "tuodong-tuodong"


def resident_pool():
    """(email, name, phone) of each demo resident: the same people on every run."""
    return tuple(
        (
            f"resident-{number:03d}@example.com",
            RESIDENT_SURNAMES[(number * 7) % len(RESIDENT_SURNAMES)]
            + RESIDENT_GIVEN[(number * 11) % len(RESIDENT_GIVEN)],
            f"139{87100000 + number * 37:08d}",
        )
        for number in range(1, RESIDENT_POOL + 1)
    )


# --- Wagtail pages --------------------------------------------------------

HOME_PAGE = {
    "title": SITE_NAME,
    "hero_title": "盘龙区公共服务云超市",
    "hero_text": "教育、医疗、法律、社保、文化服务一站预约：线上找服务、约时段，线下到场办理。",
    "body": (
        "<p>盘龙区整合教育、医疗、文化、社保、法律等基本公共服务，"
        "搭建“公共服务云超市”，打造公共服务“O2O”模式：居民在网上找到服务、预约时段，"
        "再到社区里的服务机构接受服务。</p>"
        "<p>“三官一律师”法律服务站开展一对一法律咨询，打造 10 分钟“法律服务圈”；"
        "大多数服务免费，少数收费项目可在线支付。</p>"
    ),
}


# --- Service guides: legal basis, questions, downloads, other ways ----------

# By service slug, else by sub-category slug: ((law, article), …).
LEGAL_BASIS = {
    "legal-consultation": (("《中华人民共和国律师法》", "第四十二条"), ("《中华人民共和国法律援助法》", "")),
    "labour-dispute-consultation": (
        ("《中华人民共和国劳动合同法》", ""),
        ("《中华人民共和国劳动争议调解仲裁法》", ""),
        ("《中华人民共和国法律援助法》", "第三十一条"),
    ),
    "family-law-consultation": (("《中华人民共和国民法典》", "第五编 婚姻家庭、第六编 继承"),),
    "legal-mediation": (("《中华人民共和国人民调解法》", "第十七条至第二十四条"),),
    "notary-mediation": (("《中华人民共和国人民调解法》", ""), ("《中华人民共和国公证法》", "")),
    "legal-aid": (("《中华人民共和国法律援助法》", "第三十一条、第四十一条"),),
    "legal-education": (("《中华人民共和国法治宣传教育法》（草案）及“八五”普法规划", ""),),
    "health-checkup": (("《国家基本公共卫生服务规范（第三版）》", "老年人健康管理服务规范"),),
    "health-family-doctor": (("《关于推进家庭医生签约服务的指导意见》", ""),),
    "health-vaccination": (("《中华人民共和国疫苗管理法》", "第六条"), ("《国家免疫规划疫苗儿童免疫程序及说明》", "")),
    "health-maternal-child": (
        ("《国家基本公共卫生服务规范（第三版）》", "孕产妇、0～6岁儿童健康管理服务规范"),
        ("《中华人民共和国母婴保健法》", ""),
    ),
    "health-chronic": (("《国家基本公共卫生服务规范（第三版）》", "慢性病患者健康管理服务规范"),),
    "social-security-pension": (("《中华人民共和国社会保险法》", "第二章 基本养老保险"),),
    "social-security-medical": (("《中华人民共和国社会保险法》", "第三章 基本医疗保险"),),
    "social-security-card": (("《中华人民共和国社会保险法》", "第五十八条"),),
    "social-security-employment": (("《中华人民共和国就业促进法》", ""),),
    "social-security-assistance": (("《社会救助暂行办法》", ""),),
    "education-enrolment": (("《中华人民共和国义务教育法》", "第十二条"),),
}

FAQ = {
    "free-legal-consultation": (
        ("咨询要收费吗？", "不收费。社区律师的咨询由区司法局购买服务，居民不需要付任何费用。"),
        ("我说的事情会被别人知道吗？", "不会。律师对咨询内容负有保密义务，不会告诉您的家人、邻居或单位。"),
        ("约不到时间怎么办？", "可以拨打 12348 法律服务热线，或在工作日直接到街道公共法律服务工作站现场咨询。"),
    ),
    "labour-dispute-consultation": (
        (
            "单位拖欠工资，先找谁？",
            "可以先和单位协商，也可以向劳动保障监察投诉，或申请劳动争议仲裁；律师会帮您选最合适的途径。",
        ),
        ("申请劳动仲裁要花钱吗？", "劳动争议仲裁不收费。符合条件的，还可以申请法律援助。"),
    ),
    "people-mediation": (
        ("调解有法律效力吗？", "经人民调解委员会调解达成的调解协议具有法律约束力，双方可以共同向法院申请司法确认。"),
        ("对方不来怎么办？", "人民调解遵循自愿原则。对方不愿调解的，调解员会告诉您可以通过诉讼等途径解决。"),
    ),
    "legal-aid-guidance": (
        (
            "哪些人可以申请法律援助？",
            "经济困难的公民，以及法律规定的特定案件当事人（如请求支付劳动报酬、给予社会保险待遇等）。",
        ),
        ("申请需要多久？", "材料齐全的，法律援助机构一般在收到申请之日起七日内作出是否给予援助的决定。"),
    ),
    "elderly-health-checkup": (
        ("体检前要注意什么？", "请空腹前往（前一晚 10 点后不进食），带上正在服用的药物清单。"),
        ("体检结果什么时候出？", "一般一周内出结果，家庭医生会打电话告诉您，并解读体检报告。"),
    ),
    "resident-pension-enrolment": (
        ("每年什么时候缴费？", "城乡居民养老保险按年缴费，一般每年集中缴费期内缴纳，可以自主选择缴费档次。"),
        ("在外地参保过怎么办？", "请带上参保凭证，窗口工作人员会帮您查询并办理关系转移。"),
    ),
}


# Downloadable files of the demo, in demo/media/: key → (file name, title).
@dataclass(frozen=True)
class DemoDocument:
    file: str
    title: str


DOCUMENTS = {
    "legal-aid-checklist": DemoDocument("legal-aid-checklist.txt", "法律援助申请材料清单（可打印）"),
}
DOWNLOADS = {
    "legal-aid-guidance": ("legal-aid-checklist",),
    "migrant-wage-legal-aid": ("legal-aid-checklist",),
}

OTHER_WAYS = {
    "legal": (
        "<ul><li>拨打 <b>12348</b> 法律服务热线，全天有律师接听。</li>"
        "<li>工作日 9:00–11:30、14:30–17:00 到各街道公共法律服务工作站现场咨询，无需预约。</li>"
        "<li>也可以到所在社区的党群服务中心，找“三官一律师”值班人员。</li></ul>"
    ),
    "health": (
        "<ul><li>工作日 8:00–12:00、14:30–17:30 到社区卫生服务中心挂号。</li>"
        "<li>已签约家庭医生的，可以直接打电话给您的家庭医生预约。</li></ul>"
    ),
    "social-security": (
        "<ul><li>拨打 <b>12333</b> 人社服务热线咨询。</li>"
        "<li>工作日 9:00–12:00、13:30–17:00 到区政务服务中心人社窗口或街道社保服务站取号办理。</li></ul>"
    ),
    "education": "<ul><li>在工作时间打电话给开课的学校或青少年活动中心，询问是否还有名额。</li></ul>",
    "culture": "<ul><li>开放时间到图书馆、文化馆或街道综合文化站服务台现场报名，名额有限，先到先得。</li></ul>",
    "online-legal-consultation": (
        "<ul><li>拨打 <b>12348</b> 法律服务热线，全天有律师接听。</li>"
        "<li>工作日到盘龙区公共法律服务中心（北京路 1079 号）现场咨询。</li></ul>"
    ),
}


# --- Pictures, recordings and videos ----------------------------------------


@dataclass(frozen=True)
class DemoImage:
    """A picture drawn at seed time: a sky, hills and a few shapes in the given colours."""

    title: str
    description: str  # the alt text a screen reader reads out
    sky: str
    ground: str
    accent: str
    shapes: int = 3


IMAGES = {
    "hero": DemoImage(
        "云超市首页横幅", "盘龙江畔的社区服务站，蓝天下居民走进服务大厅", "#cfe2f3", "#6aa84f", "#0b5394", 5
    ),
    "share": DemoImage("默认分享图", "盘龙区公共服务云超市的标志性蓝色与金色图案", "#0b5394", "#f1c232", "#ffffff", 2),
    "five-networks": DemoImage(
        "五网融合示意", "社区网格员和居民在服务大厅里交流，墙上是五张连在一起的网", "#d9ead3", "#93c47d", "#134f5c", 5
    ),
    "cloud-market": DemoImage(
        "云超市上线", "居民用手机在云超市预约服务，旁边是社区服务站的柜台", "#fff2cc", "#f6b26b", "#0b5394", 4
    ),
    "duty-team": DemoImage(
        "三官一律师", "民警、检察官、法官和律师四人在社区工作站为居民解答问题", "#cfe2f3", "#a4c2f4", "#990000", 4
    ),
    "anti-fraud": DemoImage(
        "防范养老诈骗", "社区民警给老年人讲解常见的养老诈骗手法", "#f4cccc", "#e06666", "#20124d", 3
    ),
    "neighbours": DemoImage("邻里和睦", "两户邻居在调解员的帮助下握手言和", "#d9d2e9", "#8e7cc3", "#274e13", 2),
    "labour": DemoImage("劳动权益", "律师为外来务工人员讲解劳动合同条款", "#fce5cd", "#e69138", "#073763", 3),
    "health": DemoImage("健康体检", "社区卫生服务中心的医生为老人测量血压", "#d0e0e3", "#76a5af", "#cc0000", 3),
    "notice": DemoImage("通知公告", "社区公告栏上张贴着服务通知", "#eeeeee", "#999999", "#0b5394", 2),
}


@dataclass(frozen=True)
class DemoMedia:
    file: str
    title: str
    type: str  # "audio" or "video"
    duration: float  # seconds
    width: int = 0
    height: int = 0


MEDIA = {
    "fraud-talk": DemoMedia("fraud-prevention-talk.ogg", "防范养老诈骗“三不”提醒（语音）", "audio", 16.2),
    "duty-team-video": DemoMedia("duty-team-intro.mp4", "认识社区“三官一律师”（短视频）", "video", 13.6, 320, 180),
}

FRAUD_TALK_TRANSCRIPT = "<p>防范养老诈骗，记住三不：不轻信高额回报，不随意转账，不泄露验证码。拿不准，请打 12348。</p>"
DUTY_TEAM_TRANSCRIPT = (
    "<p>社区三官一律师工作站，民警、检察官、法官、律师轮流值班，在云超市预约免费法律咨询。</p>"
    "<p>（画面：四位值班人员站在社区工作站前。）</p>"
)


# --- News, notices and legal education --------------------------------------

NEWS_INDEX = {
    "slug": "news",
    "title": "新闻动态",
    "intro": "<p>盘龙区公共服务的新闻、通知公告和法治宣教文章。读完有问题，可以直接预约相关服务。</p>",
}


@dataclass(frozen=True)
class Article:
    """An article ``days_ago`` days before the seed day. ``body`` is a list of (block type, value):
    paragraph: html; quote: (text, source); image: key of IMAGES; audio/video: (key of MEDIA, transcript html);
    consultation: (service slug, heading, text)."""

    slug: str
    title: str
    kind: str  # an ArticlePage.Kind value
    days_ago: int
    summary: str
    image: str  # key of IMAGES
    tags: tuple
    body: tuple


ARTICLES = (
    Article(
        "cloud-market-launch",
        "盘龙区公共服务云超市上线：线上预约，线下服务",
        "news",
        2,
        "整合教育、医疗、文化、社保、法律等基本公共服务，居民在网上找服务、约时段，再到家门口的服务机构办理。",
        "cloud-market",
        ("云超市", "公共服务"),
        (
            (
                "paragraph",
                "<p>为破解公共服务供给不足、供给不均的问题，盘龙区整合教育、医疗、文化、社保、法律等基本公共服务，"
                "依托网格化监督指挥中心平台，搭建“公共服务云超市”，打造公共服务“O2O”模式。</p>"
                "<p>居民打开云超市，可以按街道、社区和类别查找服务，查看还有哪些时段可约，在线预约后按时到场，"
                "出示核验码即可办理。大多数服务免费，少数收费项目可以在线支付，取消预约按规定退款。</p>",
            ),
            ("quote", ("线上找服务、约时段，线下到场办理，让群众少跑腿。", "盘龙区公共服务云超市")),
            (
                "paragraph",
                "<h2>政府主导、社会参与、多元供给</h2><p>云超市上线首批服务 60 余项，覆盖 12 个街道、103 个社区。"
                "服务机构在后台自己排班、核验到场，居民的评价按街道公布，接受群众监督。</p>",
            ),
            (
                "consultation",
                ("free-legal-consultation", "先试试：预约一次免费法律咨询", "社区律师一对一，30 分钟，不收费。"),
            ),
        ),
    ),
    Article(
        "five-networks",
        "“五网共享”：盘龙区创新社会治理的新实践",
        "news",
        9,
        "监测监督网、社区治理网、社会安全网、公共服务网、法治宣教网，“金钥匙”工程让治理成果全域共享。",
        "five-networks",
        ("社会治理", "五网共享"),
        (
            (
                "paragraph",
                "<p>作为昆明市创新社会治理试点区，盘龙区创新实施以构建“五网共享”平台为内核的"
                "“金钥匙”社会治理示范成果全域共享惠民工程。</p>"
                "<ul><li><b>监测监督网</b>：通过“数字盘龙”发布街道社会治理“指数排行”，成果第一时间呈现。</li>"
                "<li><b>社区治理网</b>：“党建+社区治理”、“微治理”、市民驿站等品牌项目全域推广。</li>"
                "<li><b>社会安全网</b>：“五级联动”网格化服务管理，“人在网中走、事在格中办”。</li>"
                "<li><b>公共服务网</b>：搭建“公共服务云超市”，打造公共服务“O2O”模式。</li>"
                "<li><b>法治宣教网</b>：“盘龙法治大讲堂”、线上法治e课堂，“掌上普法”进万家。</li></ul>",
            ),
            ("quote", ("人在网中走、事在格中办。", "盘龙区“五级联动”网格化服务管理")),
            ("image", "five-networks"),
        ),
    ),
    Article(
        "three-officers-one-lawyer",
        "“三官一律师”进社区，打造10分钟“法律服务圈”",
        "news",
        16,
        "民警、检察官、法官和律师轮流到社区值班，居民在家门口就能得到一对一的法律咨询。",
        "duty-team",
        ("法治宣传", "三官一律师"),
        (
            (
                "paragraph",
                "<p>盘龙区创新建立“三官一律师”法律服务站，整合辖区内法治资源，开展“一对一”法律咨询服务，"
                "打造 10 分钟“法律服务圈”。每个社区的党群服务中心都公布了值班表："
                "哪天是民警，哪天是检察官、法官或律师。</p>",
            ),
            ("video", ("duty-team-video", DUTY_TEAM_TRANSCRIPT)),
            (
                "paragraph",
                "<p>实体平台、智慧网络平台和“12348”法律服务热线平台三台融合，司法行政面向公众的服务“一网打尽”。"
                "这一经验已在全省推广。</p>",
            ),
            (
                "consultation",
                ("free-legal-consultation", "有法律问题？约社区律师", "在您所在的街道选一个时段，律师一对一解答。"),
            ),
        ),
    ),
    Article(
        "notice-holiday-hours",
        "关于元旦期间各服务机构开放时间的通知",
        "notice",
        1,
        "元旦当天各社区卫生服务中心、社保窗口暂停预约服务，12348 法律服务热线照常接听。",
        "notice",
        ("通知公告", "开放时间"),
        (
            (
                "paragraph",
                "<p>元旦当天，各社区卫生服务中心、社保服务窗口和街道公共法律服务工作站暂停预约服务，"
                "云超市不开放当天的预约时段；已预约的居民会收到改约提醒。</p>"
                "<p>12348 法律服务热线、12345 政务服务便民热线照常接听。</p>",
            ),
        ),
    ),
    Article(
        "notice-elderly-checkup",
        "2026年65岁以上老年人免费健康体检开始预约",
        "notice",
        4,
        "辖区65岁以上常住居民可在云超市预约免费健康体检，每人每年一次，请空腹前往。",
        "health",
        ("通知公告", "健康", "老年人"),
        (
            (
                "paragraph",
                "<p>根据《国家基本公共卫生服务规范》，辖区 65 岁以上常住居民每年可享受一次免费健康体检，"
                "包括血压、血糖、血常规、肝肾功能、心电图和腹部 B 超。</p>"
                "<p>请带好身份证，体检当天空腹前往。行动不便的老人可以请家人代为预约。</p>",
            ),
            ("consultation", ("elderly-health-checkup", "预约免费体检", "选一个离家近的社区卫生服务中心和时段。")),
        ),
    ),
    Article(
        "notice-pension-certification",
        "关于开展养老金领取资格认证的提示",
        "notice",
        12,
        "领取养老金的居民每年需完成一次资格认证，可以到社保窗口办理，也可以在线认证。",
        "notice",
        ("通知公告", "社保"),
        (
            (
                "paragraph",
                "<p>领取养老待遇的人员每年需要完成一次领取资格认证。腿脚方便的，可以预约到区政务服务中心或街道社保服务站办理；"
                "会用手机的，可以在线刷脸认证。</p><p>认证不收取任何费用，请勿相信“代办认证”的收费电话。</p>",
            ),
            ("consultation", ("pension-qualification", "预约资格认证", "到窗口办理，工作人员当场帮您完成认证。")),
        ),
    ),
    Article(
        "elderly-fraud-prevention",
        "防范养老诈骗：记住这“三不”",
        "legal_education",
        3,
        "“高额回报”“免费体检送礼品”“以房养老”……社区民警教您识破常见的养老诈骗套路。",
        "anti-fraud",
        ("法治宣传", "反诈", "老年人"),
        (
            (
                "paragraph",
                "<p>近年来，一些不法分子打着“养老服务”“投资理财”“保健品”的旗号，专门骗取老年人的养老钱。</p>"
                "<h2>常见套路</h2><ul><li>承诺高额回报的“养老项目”投资；</li>"
                "<li>“免费体检”“免费旅游”后推销高价保健品；</li>"
                "<li>以“以房养老”为名骗取房产抵押。</li></ul>",
            ),
            ("audio", ("fraud-talk", FRAUD_TALK_TRANSCRIPT)),
            (
                "paragraph",
                "<p>遇到可疑情况，先和子女商量，或打 110、12348 咨询。"
                "已经被骗的，请保存好转账记录和聊天记录，尽快报警。</p>",
            ),
            (
                "consultation",
                ("elderly-anti-fraud-lecture", "来听一场防诈骗讲座", "社区民警和律师讲真实案例，每周五上午。"),
            ),
        ),
    ),
    Article(
        "civil-code-neighbours",
        "民法典与邻里纠纷：漏水、噪音、占道怎么办",
        "legal_education",
        7,
        "楼上漏水、楼下噪音、楼道堆物，民法典“相邻关系”一章说得清清楚楚；说不拢，还可以找人民调解。",
        "neighbours",
        ("法治宣传", "民法典"),
        (
            (
                "paragraph",
                "<p>《中华人民共和国民法典》第二百八十八条规定：不动产的相邻权利人应当按照有利生产、方便生活、团结互助、"
                "公平合理的原则，正确处理相邻关系。</p><h2>遇到纠纷，先协商</h2>"
                "<p>大多数邻里纠纷可以坐下来谈。谈不拢的，可以申请人民调解：调解不收费，达成的调解协议具有法律约束力。</p>",
            ),
            ("quote", ("远亲不如近邻，有事好商量。", "老王调解室")),
            ("consultation", ("people-mediation", "预约人民调解", "调解员约双方坐下来，把事情说清楚。")),
        ),
    ),
    Article(
        "labour-contract-basics",
        "劳动合同常识：入职、加班、离职要知道的几件事",
        "legal_education",
        20,
        "入职一个月内要签书面劳动合同，加班要有加班费，被辞退可能有经济补偿。",
        "labour",
        ("法治宣传", "劳动权益", "社保"),
        (
            (
                "paragraph",
                "<ul><li>用人单位自用工之日起一个月内应当与劳动者订立书面劳动合同；超过一个月不满一年未订立的，"
                "应当向劳动者每月支付二倍的工资。</li><li>用人单位应当依法为劳动者缴纳社会保险费。</li>"
                "<li>被拖欠工资的，可以向劳动保障监察投诉或申请劳动仲裁，仲裁不收费。</li></ul>",
            ),
            (
                "consultation",
                ("labour-dispute-consultation", "劳动争议？约律师聊一聊", "带上劳动合同、工资流水，律师一对一解答。"),
            ),
        ),
    ),
)


# --- Community service stations and the 三官一律师 duty schedule -------------

# Roads of each street for the stations' addresses.
STREET_ROADS = {
    "tuodong": ("拓东路", "白塔路", "塘子巷", "东风东路", "书林街"),
    "gulou": ("青年路", "北京路", "圆通街", "环城北路", "小菜园路"),
    "donghua": ("东华路", "白龙路", "穿金路", "东华小区"),
    "lianmeng": ("联盟路", "金星路", "小康大道"),
    "jinchen": ("金辰路", "北辰大道", "沣源路"),
    "qingyun": ("青云路", "金沙路", "董家湾路"),
    "longquan": ("龙泉路", "蓝龙潭路", "桃园路"),
    "ciba": ("茨坝路", "北部山水路"),
    "shuanglong": ("双龙路", "十里长坡路"),
    "songhua": ("松华坝路", "小河路"),
    "dianyuan": ("滇源路", "白邑路"),
    "aziying": ("阿子营路", "铁冲路"),
}
# The centre of streets where the demo has no provider to place the stations near.
STREET_CENTRES = {"ciba": ("25.132000", "102.753000"), "shuanglong": ("25.097000", "102.792000")}
STATION_HOURS = "周一至周五 9:00–12:00，14:30–17:30；周六 9:00–12:00"
DUTY_NAMES = {
    "police": ("王警官", "刘警官", "杨警官", "周警官", "吴警官"),
    "prosecutor": ("李检察官", "孙检察官", "何检察官", "罗检察官"),
    "judge": ("张法官", "陈法官", "马法官", "段法官", "郭法官"),
    "lawyer": ("赵律师", "黄律师", "林律师", "徐律师", "高律师", "许律师"),
}
# (role, hours) each week; the weekday turns with the community so the four are on different days.
DUTY_ROTA = (
    ("police", "9:00–11:30"),
    ("prosecutor", "14:30–17:00"),
    ("judge", "14:30–17:00"),
    ("lawyer", "9:00–11:30"),
)
COMMUNITY_INDEX = {
    "slug": "communities",
    "title": "社区服务站",
    "intro": (
        "<p>盘龙区 12 个街道、103 个社区的党群服务中心，都有“三官一律师”定期值班。"
        "找到您所在的社区，看看地址、开放时间和这周谁值班。</p>"
    ),
}


# --- Plain pages, menus and site settings -----------------------------------

STANDARD_PAGES = (
    {
        "slug": "about",
        "title": "关于云超市",
        "intro": "盘龙区公共服务云超市是“五网共享”中公共服务网的线上入口：线上找服务、约时段，线下到场办理。",
        "body": (
            "<p>盘龙区整合教育、医疗、文化、社保、法律等基本公共服务，依托网格化监督指挥中心平台，"
            "搭建“公共服务云超市”，打造公共服务“O2O”模式，初步形成政府主导、社会参与、多元供给的公共服务格局。</p>"
            "<h2>能做什么</h2><ul><li>按街道、社区和类别查找服务，看清办事指南；</li>"
            "<li>查看可约时段并在线预约，到场出示核验码；</li><li>对服务进行评价，评价结果按街道公开。</li></ul>"
            "<h2>“三官一律师”</h2><p>民警、检察官、法官和律师轮流到社区值班，开展一对一法律咨询，"
            "打造 10 分钟“法律服务圈”。"
            "也可以拨打 12348 法律服务热线。</p>"
        ),
    },
    {
        "slug": "privacy",
        "title": "隐私说明",
        "intro": "我们只保存提供服务所需的个人信息，并说明为什么保存、谁能看到。",
        "body": (
            "<h2>我们保存什么</h2><ul><li>账号：姓名、手机号、电子邮箱，用于登录和发送预约提醒；</li>"
            "<li>预约：您预约的服务、机构、时段和到场记录；</li><li>您写下的评价。</li></ul>"
            "<h2>谁能看到</h2><p>服务机构只能看到预约了本机构服务的居民的姓名和"
            "<b>部分隐藏的手机号</b>（如 138****5678），"
            "用于核验到场。网站编辑看不到任何居民的个人信息和预约记录。</p>"
            "<h2>保存多久</h2><p>预约记录在服务完成后保存，用于统计服务质量；统计只公布汇总数字，不公布个人。"
            "您可以随时注销账号。</p><h2>联系我们</h2><p>对个人信息有疑问，请拨打 12345 政务服务便民热线。</p>"
        ),
    },
    {
        "slug": "accessibility",
        "title": "无障碍声明",
        "intro": "我们希望每一位居民，包括老年人和残障人士，都能用上云超市。",
        "body": (
            "<p>本网站按照《Web 内容无障碍指南》（WCAG）2.2 AA 级的要求建设：页面有清晰的标题结构，"
            "图片有文字说明，音频和视频附有文字稿，可以只用键盘完成操作。本声明更新于 2026 年 11 月。</p>"
            "<h2>我们怎样检查</h2><ul>"
            "<li>每次修改网站，都用浏览器自动检查：居民能看到的每一个页面和服务机构工作台，中文版和英文版，"
            "手机和电脑屏幕，都用 axe-core 按 WCAG 2.2 AA 级检查，检查不通过就不发布；</li>"
            "<li>只用键盘完成“查找服务—预约—取消”：能看清当前在哪里（焦点清楚），按顺序移动，不会被困住；</li>"
            "<li>读屏软件能读出每个按钮、链接和输入框的名称，日期和时间读成完整的“几月几日 星期几 几点”，"
            "填错时读出错在哪一项；不只靠颜色区分状态；</li>"
            "<li>长辈版：正文字号不小于 18 像素、标题不小于 24 像素，高对比度，按钮不小于 48 像素，"
            "每页都有求助电话，服务页可以一键预约最早的时段；</li>"
            "<li>不用看不清、听不清的验证码；网页不从外部网站加载字体和脚本，"
            "关掉 JavaScript 也能查找、预约和取消。</li>"
            "</ul>"
            "<h2>目前还做得不够的</h2><ul>"
            "<li>自动检查只能发现一部分问题，我们还没有请使用读屏软件的居民实际试用；</li>"
            "<li>视频暂无同步字幕，视频下方提供了完整的文字稿（包括画面说明）；</li>"
            "<li>可下载的文件（如申请材料清单）不一定都方便读屏软件阅读，需要时请来电，"
            "工作人员可以读给您听、帮您填写。</li>"
            "</ul>"
            "<h2>遇到困难，请告诉我们</h2><p>请拨打 12345 政务服务便民热线，或发邮件到 "
            '<a href="mailto:service@example.com">service@example.com</a>，'
            "告诉我们是哪个页面、遇到了什么问题、用的是什么手机或电脑（以及读屏软件）。"
            "我们会先帮您把事情办完（例如电话代为预约），再把网站改好。</p>"
        ),
    },
)

# Menu links: ("page", page slug under home), ("url", address, label).
# The index links came after the first demo menus: a re-run adds them to a main menu that lacks them.
INDEX_LINKS = (("url", "/index/", "指数排行"), ("url", "/index/coverage/", "十分钟服务圈"))
MENUS = {
    "main": (
        "主菜单",
        (
            *(("page", sector.slug) for sector in SECTORS),
            ("page", "news"),
            ("page", "communities"),
            *INDEX_LINKS,
        ),
    ),
    "footer": (
        "页脚链接",
        (
            ("page", "about"),
            ("page", "privacy"),
            ("page", "accessibility"),
            ("url", "tel:12348", "12348 法律服务热线"),
        ),
    ),
}

SITE_SETTINGS = {
    "hotline": "12345",
    "footer_text": "盘龙区公共服务云超市 · 线上找服务、约时段，线下到场办理。法律问题请拨打 12348 法律服务热线。",
    "address": "云南省昆明市盘龙区北京路 1079 号",
    "email": "service@example.com",
    # record_number stays empty: a filing number is the district's to give, never the demo's to invent.
}

FEATURED_SERVICES = (
    "free-legal-consultation",
    "elderly-health-checkup",
    "social-security-card",
    "after-school-care",
    "library-card",
    "people-mediation",
)


@dataclass(frozen=True)
class Station:
    community: str  # full community slug
    name: str
    address: str
    phone: str
    latitude: str
    longitude: str
    shifts: tuple  # ((weekday, role, name, hours), …)


def stations():
    """One service station for each community, placed around its street's providers (deterministic)."""
    import math

    result = []
    for position, (street, _street_name, members) in enumerate(STREETS, start=1):
        own = [provider for provider in PROVIDERS if provider.street == street]
        if own:
            centre = (
                sum(float(provider.latitude) for provider in own) / len(own),
                sum(float(provider.longitude) for provider in own) / len(own),
            )
        else:
            centre = tuple(float(value) for value in STREET_CENTRES[street])
        roads = STREET_ROADS[street]
        for index, (suffix, community_name) in enumerate(members):
            slug = f"{street}-{suffix}"
            here = next((provider for provider in own if provider.community == slug), None)
            if here is not None:
                # Across the road from the provider in the same community.
                lat, lng = float(here.latitude) + 0.0009, float(here.longitude) + 0.0006
            else:
                # On a ring 400–1000 m around the street's centre (0.009° of latitude is about 1 km).
                angle = 2 * math.pi * index / len(members)
                radius = 0.0036 + 0.0027 * (index % 3)
                lat = centre[0] + radius * math.sin(angle)
                lng = centre[1] + radius * math.cos(angle) / math.cos(math.radians(centre[0]))
            turn = (position + index) % 5
            shifts = tuple(
                (
                    (turn + k) % 5,
                    role,
                    DUTY_NAMES[role][(position * 3 + index) % len(DUTY_NAMES[role])],
                    hours,
                )
                for k, (role, hours) in enumerate(DUTY_ROTA)
            )
            result.append(
                Station(
                    community=slug,
                    name=f"{community_name}党群服务中心",
                    address=f"盘龙区{roads[index % len(roads)]} {18 + index * 23 + position} 号",
                    phone=f"0871-65{position:02d}{2100 + index * 7:04d}",
                    latitude=f"{lat:.6f}",
                    longitude=f"{lng:.6f}",
                    shifts=shifts,
                )
            )
    return result


# --- History: three months of bookings, visits and ratings behind the street index --------------

HISTORY_SEED = 20261127  # the one random.Random seed: the same history on every fresh database
HISTORY_MONTHS = 2  # the history starts on the first day of the month this many months back


@dataclass(frozen=True)
class StreetHistory:
    """How residents and providers of one street behaved: the explainable differences of the index."""

    bookings_per_month: int  # at the street's providers
    no_show: float  # share of bookings the resident did not come to
    rated: float  # share of checked-in visits the resident rated
    stars: tuple  # weights of 1, 2, 3, 4, 5 stars
    answer_hours: tuple  # (fewest, most) hours the provider takes to answer a follow-up case
    resolved: float  # share of answered cases the resident confirms as resolved
    confirmed: float = 0.85  # share of answered cases the resident confirms at all (the rest lapse)
    provider_cancels: float = 0.0  # share of bookings the provider itself cancelled (staff away)


GOOD_STARS = (1, 1, 4, 28, 66)
FAIR_STARS = (3, 4, 13, 42, 38)
POOR_STARS = (24, 26, 22, 17, 11)

# Streets without a provider in the demo (茨坝, 双龙) have no bookings at all.
STREET_HISTORY = {
    # the old town: many providers close together, punctual residents, quick answers
    "tuodong": StreetHistory(62, 0.05, 0.72, GOOD_STARS, (2, 16), 0.9),
    "gulou": StreetHistory(58, 0.06, 0.70, GOOD_STARS, (3, 20), 0.88),
    "donghua": StreetHistory(55, 0.07, 0.68, GOOD_STARS, (4, 24), 0.85),
    "lianmeng": StreetHistory(40, 0.09, 0.65, (2, 3, 9, 38, 48), (6, 36), 0.8),
    # 金辰: one in three booked places is not used (the index's no-show street)
    "jinchen": StreetHistory(42, 0.35, 0.65, FAIR_STARS, (6, 30), 0.75),
    # 青云: poor ratings, and follow-up cases answered late and often not resolved
    "qingyun": StreetHistory(36, 0.10, 0.75, POOR_STARS, (50, 110), 0.4, confirmed=0.7),
    # 龙泉: the most residents, fewer bookings per head; its health centre often cancels sessions
    # (doctors called away), which lowers fulfilment but not the residents' no-show rate
    "longquan": StreetHistory(44, 0.10, 0.66, FAIR_STARS, (6, 40), 0.75, provider_cancels=0.15),
    # the north: one health centre or culture station each, too few bookings to rank
    "dianyuan": StreetHistory(14, 0.12, 0.60, FAIR_STARS, (12, 48), 0.7),
    "songhua": StreetHistory(7, 0.10, 0.60, FAIR_STARS, (12, 48), 0.7),
    "aziying": StreetHistory(6, 0.12, 0.60, FAIR_STARS, (12, 48), 0.7),
}

PROVIDER_CANCEL_REASON = "医生临时外出支援，本时段取消，已电话通知居民改约。"

GOOD_TAGS = ("on_time", "friendly", "knowledgeable", "clear", "solved")
POOR_TAGS = ("long_wait", "unfriendly", "unclear", "not_solved", "hard_to_find")

# What residents write (a rating need not have a comment), by stars.
GOOD_COMMENTS = (
    "律师讲得很清楚，问题解决了，谢谢！",
    "工作人员很耐心，按预约时间到场不用排队。",
    "医生很细心，体检流程顺畅，报告也解释得明白。",
    "老师认真负责，孩子很喜欢。",
    "环境干净，服务热情，下次还来。",
    "按时开始，讲解通俗易懂，给个好评。",
    "带着老人来办事，窗口一次就办好了，很方便。",
    "线上约好时间，到了直接办理，比以前方便多了。",
)
FAIR_COMMENTS = (
    "整体还可以，就是等了一会儿。",
    "服务不错，但门口指示牌不太好找。",
    "讲得有点快，部分内容没听懂。",
    "办成了，希望以后周末也能预约。",
)
POOR_COMMENTS = (
    "预约了时间，到场还是等了四十多分钟。",
    "工作人员态度一般，我的问题没有得到解答。",
    "地址不好找，导航到了后门，绕了很久。",
    "讲解太专业，没听明白，希望能说得通俗一点。",
    "材料清单和现场要求不一致，白跑了一趟。",
)
REPLIES = (
    "感谢您的认可，欢迎您再次预约！",
    "谢谢您的评价，我们会继续努力，做好每一次服务。",
    "感谢支持！有问题也可以拨打我们的服务电话咨询。",
)
CASE_ANSWERS = (
    "您好，非常抱歉给您带来不便。我们已调整排班，预约时段内安排专人接待，并已电话联系您约定再次服务的时间。",
    "您好，感谢您的反馈。我们已核实情况，对接待人员进行了提醒和培训，欢迎您再次预约，我们会做好跟进。",
    "您好，已在门口和停车场增设指示牌，并在办事指南中补充了详细的到达路线。感谢您的宝贵意见。",
    "您好，我们已更新材料清单，与现场要求保持一致。您的事项可直接预约，我们优先为您办理。",
)
RESOLVED_NOTES = ("已经电话联系我，问题解决了，谢谢。", "再次预约后顺利办好了。", "")
UNRESOLVED_NOTES = ("收到回复了，但问题还是没有解决。", "希望能真正改进，而不只是回复。", "")

# One rating a moderator hid: an advertisement, not a view of the visit.
ABUSIVE_RATING = {
    "street": "gulou",
    "stars": 3,
    "comment": "代办各类证明、加急办理，加微信 pl-banzheng888，包过！",
    "reason": "广告和联系方式，与本次服务无关，违反评价规则。",
}
