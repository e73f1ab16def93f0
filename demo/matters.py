"""The demo's matters (事项): who takes which kind, and a few dozen matters in every state.

The desks: the district's public legal service centre (12348) takes written
questions and mediation applications nobody addressed to a station, each
三官一律师 station answers questions, five people's mediation committees
(老王调解室 in 白龙社区 among them) mediate, and the district's legal aid
centre decides legal aid. The centre and 老王调解室 are providers of their
own with a staff account each, kept apart from ``demo_data.PROVIDERS``: they
offer no bookable service, and the stations' positions (and so the service
circle) are drawn from those providers.

Every matter is lived through ``marketplace.matters.services`` with a past
``now`` (submit, take_step, add_material, other_party_answer, system_step),
in the order the residents submitted them, so reference numbers, deadlines
in working days, timelines and the action log are what the site would have
produced; dates are relative to the day of the seed, and some are left past
their deadline. The notices of those past steps are not sent. The matters
are made once: when a demo resident already has one, a re-run adds nothing.
Follow-up cases of poor ratings come with the history (``demo.history``).
"""

import io
import struct
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from demo import data as demo_data
from marketplace.audit.context import acting
from marketplace.matters import services, supervision
from marketplace.matters.models import Desk, Matter

Partner = get_model("partner", "Partner")


# --- the organisations that take matters -------------------------------------


@dataclass(frozen=True)
class Office:
    """A provider that only takes matters (no bookable service), with its staff account."""

    code: str
    name: str
    street: str
    community: str
    address: str
    phone: str
    latitude: str
    longitude: str
    opening_notes: str
    staff_name: str
    staff_phone: str


OFFICES = (
    Office(
        "district-legal-aid",
        "盘龙区法律援助中心",
        "gulou",
        "gulou-beijinglu",
        "盘龙区北京路 1079 号（区公共法律服务中心一楼）",
        "0871-65625148",
        "25.058216",
        "102.720437",
        "周一至周五 9:00–12:00，14:30–17:30；申请法律援助也可拨打 12348",
        "钱主任",
        "13700873001",
    ),
    Office(
        "donghua-laowang",
        "白龙社区老王调解室",
        "donghua",
        "donghua-bailong",
        "盘龙区白龙路 190 号（白龙社区居委会一楼）",
        "0871-65743318",
        "25.061512",
        "102.737390",
        "周一至周六 9:00–12:00，15:00–18:00；白龙社区人民调解委员会",
        "王建国",
        "13700873002",
    ),
)

LEGAL_STATIONS = (
    "district-legal",
    "tuodong-legal",
    "gulou-legal",
    "donghua-legal",
    "lianmeng-legal",
    "jinchen-legal",
    "qingyun-legal",
    "longquan-legal",
)

# (kind, the organisation taking what nobody addressed elsewhere, the others)
DESKS = (
    ("legal_question", "district-legal", LEGAL_STATIONS[1:]),
    ("mediation", "district-legal", ("donghua-laowang", "tuodong-legal", "gulou-legal", "longquan-legal")),
    ("legal_aid", "district-legal-aid", ()),
)


# --- the matters ---------------------------------------------------------------

# When something happened: (days before the seed's day, "HH:MM" local time), or "5h": hours before now.
# A step never comes before the one it follows (it is moved to just after it).


@dataclass(frozen=True)
class Step:
    when: object
    who: str  # applicant, staff (of the organisation handling it then), other_party, system
    action: str  # a step of the kind, or "material" (an upload; ``extra`` is the material's kind)
    text: str = ""
    extra: object = None  # stars of a rating, the organisation a transfer goes to, a material's kind


@dataclass(frozen=True)
class Story:
    applicant: str  # email
    kind: str
    station: str  # provider code
    when: object
    text: str
    fields: dict
    other_party: tuple = ()  # (name, mobile)
    materials: tuple = ()  # the material kinds sent with the application
    steps: tuple = ()


ZHANG_LI = "resident@example.com"


def resident(number):
    return f"resident-{number:03d}@example.com"


STORIES = (
    # 60 days ago: a labour mediation at 龙泉 the mediator has let run past its 20 working days.
    Story(
        resident(26),
        "mediation",
        "longquan-legal",
        (60, "09:40"),
        "我在龙泉路一家餐馆做了八个月服务员，老板口头答应包吃住、月薪 3200 元，离职时扣下最后一个月工资 3200 元"
        "不给，说我没提前一个月打招呼。想请调解员帮忙要回工资。",
        {"category": "labour"},
        ("孙老板", "13908711526"),
        steps=(
            Step((58, "10:20"), "other_party", "accept", "同意调解，工资的事可以谈。"),
            Step((58, "11:00"), "staff", "assign"),
        ),
    ),
    # A debt question answered long ago, left unrated: closed by the hourly job after 7 working days.
    Story(
        resident(30),
        "legal_question",
        "longquan-legal",
        (40, "21:15"),
        "朋友三年前借我 5 万元，有微信转账记录，没有写借条，现在一直拖着不还。现在起诉还来得及吗？需要准备什么证据？",
        {"category": "debt"},
        steps=(
            Step(
                (39, "10:05"),
                "staff",
                "answer",
                "您好。民间借贷的诉讼时效为三年，从约定的还款期限届满之日起计算；没有约定还款期限的，您可以随时要求"
                "还款，时效从您催要时给对方的合理期限届满起算。微信转账记录加上能证明是借款的聊天记录（如对方承认借钱、"
                "答应还款），就是有效证据，请截图并保留原始手机记录。建议先发信息明确催要一次，再向盘龙区人民法院起诉。"
                "如需帮助写起诉状，可预约本站的免费法律咨询。",
            ),
            Step("due", "system", "lapse"),
        ),
    ),
    # A neighbour's dispute at 拓东 that ended without agreement.
    Story(
        resident(33),
        "mediation",
        "tuodong-legal",
        (30, "15:30"),
        "在网店买的全屋定制衣柜，安装后柜门变形、尺寸不对，商家只同意换门板，我要求退货退款。",
        {"category": "consumer"},
        ("某家居店 周经理", "13608714433"),
        steps=(
            Step((29, "09:10"), "other_party", "accept"),
            Step(
                (20, "16:40"),
                "staff",
                "no_agreement",
                "两次调解，双方对退款金额分歧较大，商家只同意退还 30%。已告知申请人可向市场监管部门投诉或向法院起诉。",
            ),
        ),
    ),
    # A legal-aid application under review past the centre's 7 working days.
    Story(
        resident(13),
        "legal_aid",
        "district-legal-aid",
        (30, "10:30"),
        "去年在工地被脚手架砸伤右腿，住院两个月，包工头只给了一万元医药费就不管了，想起诉要求赔偿。我家是低保户。",
        {"category": "subsistence", "matter": "injury"},
        materials=("id_card", "hardship_proof", "case_evidence"),
        steps=(Step((29, "09:30"), "staff", "accept"),),
    ),
    # A question nobody has answered, well past its 3 working days: the overdue one in 拓东's queue.
    Story(
        resident(8),
        "legal_question",
        "tuodong-legal",
        (30, "19:45"),
        "楼上住户家水管漏水，把我家天花板和墙面泡坏了，物业说不归他们管，楼上也不肯赔。我该找谁赔偿？",
        {"category": "housing"},
    ),
    # A property-fee dispute settled at 老王调解室, the signed agreement uploaded.
    Story(
        resident(11),
        "mediation",
        "donghua-laowang",
        (25, "10:00"),
        "小区物业从去年起每月多收我 50 元停车费，说是“涨价”，但没有业主大会决定，也没有公示。要求退还多收的费用。",
        {"category": "property"},
        ("白龙小区物业服务中心 李经理", "13888715210"),
        materials=("evidence",),
        steps=(
            Step((24, "14:00"), "other_party", "accept", "同意调解。"),
            Step((24, "14:30"), "staff", "assign"),
            Step((15, "11:20"), "staff", "material", extra="agreement"),
            Step(
                (15, "11:30"),
                "staff",
                "agree",
                "物业于 30 日内退还多收的停车费共 600 元，今后调价须经业主大会决定并公示。双方已在调解协议书上签字。",
            ),
        ),
    ),
    # A traffic question answered and rated.
    Story(
        resident(21),
        "legal_question",
        "qingyun-legal",
        (20, "08:50"),
        "骑电动车被小轿车撞了，交警认定对方全责，对方保险公司只愿意赔医药费，误工费和护理费能不能要？",
        {"category": "traffic"},
        steps=(
            Step(
                (19, "15:10"),
                "staff",
                "answer",
                "可以要。对方全责时，医疗费、误工费、护理费、交通费、住院伙食补助费和营养费都可以请求赔偿，先由交强险"
                "赔付，不足部分由商业险和肇事方承担。误工费凭单位出具的误工证明和工资流水，护理费凭医嘱和护理人员的收入证明。"
                "协商不成可申请交通事故人民调解，或向法院起诉。",
            ),
            Step((18, "20:00"), "applicant", "rate", "解答很清楚，谢谢律师！", 5),
        ),
    ),
    # A question whose answer did not resolve it: the resident says so, and it goes to the street's supervisor.
    Story(
        resident(23),
        "legal_question",
        "tuodong-legal",
        (6, "10:15"),
        "小区电梯坏了两个月，物业一直说在等配件，我们能不能拒交物业费？",
        {"category": "housing"},
        steps=(
            Step(
                (5, "16:20"),
                "staff",
                "answer",
                "不建议直接拒交物业费，否则可能被起诉。可以书面催告物业限期维修，并向街道和住建部门投诉。",
            ),
            Step((3, "19:40"), "applicant", "unresolved", "已经书面催告过了，物业还是不修。"),
        ),
    ),
    # Legal aid refused, with the reason and the way to object.
    Story(
        resident(35),
        "legal_aid",
        "district-legal-aid",
        (20, "14:00"),
        "离婚后前夫一直不付孩子的抚养费，我想起诉要抚养费，但请不起律师。",
        {"category": "hardship", "matter": "family"},
        materials=("id_card", "hardship_proof"),
        steps=(
            Step((19, "10:00"), "staff", "accept"),
            Step(
                (15, "16:00"),
                "staff",
                "refuse",
                "经审查，您提交的收入证明显示家庭月人均收入高于昆明市法律援助经济困难标准，不符合《法律援助法》第三十四条"
                "的条件。抚养费纠纷可以预约免费法律咨询或申请人民调解，也可以自行向法院起诉，诉讼费确有困难的可申请缓交。",
            ),
        ),
    ),
    # Legal aid for unpaid wages, granted with the lawyer assigned.
    Story(
        resident(24),
        "legal_aid",
        "district-legal-aid",
        (14, "09:20"),
        "在盘龙区一处工地干了十个月钢筋工，包工头拖欠工资 4 万 6 千元，一直说等开发商付款，过年前也没给。",
        {"category": "unpaid_wages", "matter": "labour"},
        materials=("id_card", "case_evidence"),
        steps=(
            Step((13, "09:00"), "staff", "accept"),
            Step((13, "09:05"), "staff", "assign"),
            Step(
                (10, "15:30"),
                "staff",
                "grant",
                "准予法律援助。指派云南滇池律师事务所刘律师承办，刘律师将在 3 个工作日内电话联系您，请备齐考勤记录、"
                "工友证言和包工头的欠条。",
            ),
        ),
    ),
    # A consumer question moved from the district centre to the station near the shop, answered, then followed up.
    Story(
        resident(15),
        "legal_question",
        "district-legal",
        (9, "11:00"),
        "在东华街道一家健身房办了两年卡，交了 5800 元，才去了三个月健身房就关门了，老板联系不上，钱还能要回来吗？",
        {"category": "consumer"},
        steps=(
            Step(
                (8, "09:30"),
                "staff",
                "transfer",
                "健身房在东华街道辖区，转东华街道工作站就近解答，便于联系市场监管所。",
                "donghua-legal",
            ),
            Step(
                (7, "10:40"),
                "staff",
                "answer",
                "您好。经营者停业不退预付款，属于违约，您可以要求退还剩余 21 个月对应的费用。请先拨打 12315 或到东华"
                "市场监管所投诉，很多健身房预付卡纠纷会集中处理；同时保留好合同、付款凭证和会员卡。",
            ),
            Step("20h", "applicant", "follow_up", "如果老板一直找不到，我可以直接起诉健身房的公司吗？要交多少诉讼费？"),
        ),
    ),
    # A mediation application refused by the organisation: the court has the case already.
    Story(
        resident(47),
        "mediation",
        "district-legal",
        (8, "16:10"),
        "和弟弟因为父母留下的老房子怎么分吵了两年，想请调解员帮忙。",
        {"category": "family"},
        ("张建明", "13577102288"),
        steps=(
            Step(
                (7, "10:00"),
                "staff",
                "refuse",
                "经核实，该继承纠纷已由盘龙区人民法院立案受理，依照《人民调解法》第十八条，人民调解委员会不再受理。"
                "您可以在诉讼中申请法院组织调解。",
            ),
        ),
    ),
    # 张丽's mediation with her upstairs neighbour: both agreed, the mediator arranges the sessions.
    Story(
        ZHANG_LI,
        "mediation",
        "tuodong-legal",
        (10, "20:30"),
        "楼上邻居装修三个多月，每天早上七点多就开始电钻，周末也不停，沟通过几次都没有用。希望调解员帮忙约定施工时间。",
        {"category": "neighbours"},
        ("赵先生", "13987106612"),
        materials=("evidence",),
        steps=(
            Step((9, "12:10"), "other_party", "accept", "同意，可以坐下来谈。"),
            Step((9, "15:00"), "staff", "assign"),
        ),
    ),
    # A custody question, answered at 拓东 (张丽's: to follow up or rate), and a fresh one at 鼓楼.
    Story(
        ZHANG_LI,
        "legal_question",
        "tuodong-legal",
        (3, "21:10"),
        "公司拖欠我两个月工资，还让我“主动辞职”，说不然就不发。我该怎么办？辞职了还能要经济补偿吗？",
        {"category": "labour"},
        steps=(
            Step((2, "09:30"), "staff", "assign"),
            Step(
                (2, "10:15"),
                "staff",
                "answer",
                "您好。请不要主动辞职。用人单位未及时足额支付劳动报酬，您可以依据《劳动合同法》第三十八条书面通知解除劳动"
                "合同，并要求支付拖欠的工资和经济补偿（每工作一年支付一个月工资）。请保留工资条、银行流水、考勤记录和公司"
                "让您辞职的聊天记录。可以先向盘龙区劳动保障监察大队投诉，或向劳动人事争议仲裁委员会申请仲裁（免费）。",
            ),
        ),
    ),
    # A consumer mediation the other party declined.
    Story(
        resident(19),
        "mediation",
        "gulou-legal",
        (6, "10:00"),
        "在装修公司签了 8 万元的装修合同，工期拖了两个月，还有墙面开裂，要求赔偿延误损失和返工。",
        {"category": "consumer"},
        ("某装饰公司 何经理", "13700459821"),
        steps=(Step((5, "17:20"), "other_party", "decline", "不同意调解，我们会走法律程序。"),),
    ),
    # A family mediation withdrawn, and a question withdrawn: settled between the parties.
    Story(
        resident(60),
        "mediation",
        "gulou-legal",
        (3, "09:00"),
        "父母赡养费兄弟姐妹之间分摊不均，想请调解员主持商量。",
        {"category": "family"},
        ("王秀英", "13987651234"),
        steps=(Step((2, "18:30"), "applicant", "withdraw", "家里已经商量好了，谢谢。"),),
    ),
    Story(
        resident(44),
        "legal_question",
        "lianmeng-legal",
        (2, "13:40"),
        "租房合同没到期，房东要提前收房，押金不退，合法吗？",
        {"category": "housing"},
        steps=(Step((1, "09:00"), "applicant", "withdraw", "已经和房东协商好了。"),),
    ),
    # A legal-aid application withdrawn.
    Story(
        resident(50),
        "legal_aid",
        "district-legal-aid",
        (6, "15:00"),
        "被邻居打伤，想申请法律援助起诉。",
        {"category": "hardship", "matter": "injury"},
        materials=("id_card", "hardship_proof"),
        steps=(Step((5, "09:40"), "applicant", "withdraw", "对方已经赔偿，不需要了。"),),
    ),
    # 张丽's legal-aid application, waiting for her proof of hardship.
    Story(
        ZHANG_LI,
        "legal_aid",
        "district-legal-aid",
        (2, "16:20"),
        "离婚后孩子跟我生活，前夫两年没有给过抚养费，我想起诉要抚养费。我家领低保，请不起律师。",
        {"category": "subsistence", "matter": "family"},
        materials=("id_card",),
    ),
    # A domestic-violence application: the centre asked for proof, it came yesterday, to be decided.
    Story(
        resident(41),
        "legal_aid",
        "district-legal-aid",
        (5, "10:10"),
        "丈夫多次动手打我，想申请人身安全保护令并起诉离婚。",
        {"category": "domestic_violence", "matter": "family"},
        materials=("id_card", "case_evidence"),
        steps=(
            Step(
                (4, "11:00"),
                "staff",
                "request_materials",
                "请补充派出所的出警记录、告诫书或医院的验伤记录（任一即可），可以拍照上传。",
            ),
            Step("20h", "applicant", "material", extra="case_evidence"),
        ),
    ),
    # A labour question at 金辰, assigned; a wage-arrears legal-aid application received yesterday.
    Story(
        resident(52),
        "legal_question",
        "jinchen-legal",
        "26h",
        "试用期被公司辞退，没有任何理由，也没有补偿，公司说试用期可以随时辞退，是这样吗？",
        {"category": "labour"},
        steps=(Step("25h", "staff", "assign"),),
    ),
    Story(
        resident(7),
        "legal_aid",
        "district-legal-aid",
        "22h",
        "在小区物业做保洁，公司拖欠我和另外三个工友四个月工资，共 3 万 2 千元。",
        {"category": "unpaid_wages", "matter": "labour"},
        materials=("id_card", "case_evidence"),
    ),
    # A fresh mediation waiting for the neighbour to say yes, and a fresh inheritance question.
    Story(
        resident(5),
        "mediation",
        "donghua-laowang",
        "4h",
        "对门邻居在楼道里堆放杂物、养了三只狗，楼道又臭又挡路，说了多次不改。",
        {"category": "neighbours"},
        ("刘女士", "13629401873"),
    ),
    Story(
        resident(3),
        "legal_question",
        "gulou-legal",
        "1h",
        "父亲去世没有留遗嘱，留下一套房子，我们兄妹三个和奶奶都在，房子该怎么分？",
        {"category": "family"},
    ),
    # 法律九进: organisations' lecture requests from the legal-education menu. A "preferred_date" of n is n days
    # after the request; a "schedule" step's extra is (days before today, "HH:MM", minutes), a "held" step's the
    # attendance.
    Story(
        resident(62),
        "outreach_request",
        "district-legal",
        (24, "10:15"),
        "居民关心物业费、停车位和装修扰邻，想请律师结合民法典讲一讲，讲完留点时间答疑。",
        {
            "service": "law-lecture",
            "organisation_name": "金马社区居民委员会",
            "venue": "community",
            "contact_name": "杨主任",
            "contact_phone": "13987104411",
            "preferred_date": 14,
            "audience": 60,
            "address": "拓东街道金马社区市民驿站二楼活动室",
        },
        steps=(
            Step((23, "09:30"), "staff", "accept"),
            Step((22, "16:00"), "staff", "schedule", extra=(10, "15:10", 120)),
            Step(
                (10, "18:05"),
                "staff",
                "held",
                "讲解民法典物权编与物业服务合同，现场答疑 14 个问题，发放宣传册 80 份。",
                52,
            ),
        ),
    ),
    Story(
        resident(63),
        "outreach_request",
        "district-legal",
        (5, "14:40"),
        "五、六年级学生，想结合校园欺凌案例上一堂模拟法庭课。",
        {
            "service": "youth-law-class",
            "organisation_name": "盘龙区东华小学",
            "venue": "school",
            "contact_name": "陈老师",
            "contact_phone": "13987105522",
            "preferred_date": 12,
            "audience": 120,
            "address": "东华小学多功能厅",
        },
        steps=(
            Step((4, "10:00"), "staff", "accept"),
            Step((3, "11:20"), "staff", "schedule", extra=(-6, "14:40", 90)),
        ),
    ),
    Story(
        resident(64),
        "outreach_request",
        "lianmeng-legal",
        "6h",
        "公司有 200 多名一线员工，想请律师讲劳动合同、工伤认定和社保，最好安排在周五下午。",
        {
            "service": "law-lecture",
            "organisation_name": "昆明联盟物流有限公司",
            "venue": "company",
            "contact_name": "赵经理",
            "contact_phone": "13987106633",
            "preferred_date": 10,
            "audience": 150,
            "address": "联盟街道昆明联盟物流有限公司三楼培训室",
        },
    ),
)


# --- files -------------------------------------------------------------------------


def demo_pdf(*lines):
    """A small, valid one-page PDF with ``lines`` of ASCII text (a stand-in for a scanned paper)."""
    text = "BT /F1 14 Tf 72 760 Td 18 TL " + " ".join(f"({line}) '" for line in lines) + " ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text.encode("ascii")),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def demo_png(width=96, height=60, colour=(208, 224, 240)):
    """A small, valid PNG of one colour with a darker frame (a stand-in for a photo)."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    frame = tuple(value // 2 for value in colour)
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")
        for x in range(width):
            edge = x < 3 or y < 3 or x >= width - 3 or y >= height - 3
            row += bytes(frame if edge else colour)
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


FILES = {
    "id_card": ("身份证.png", lambda ref: demo_png(colour=(232, 236, 244))),
    "hardship_proof": ("低保证.pdf", lambda ref: demo_pdf("Minimum living allowance certificate (demo)", ref)),
    "case_evidence": ("案件材料.pdf", lambda ref: demo_pdf("Case papers (demo)", ref)),
    "evidence": ("现场照片.png", lambda ref: demo_png(colour=(236, 228, 212))),
    "agreement": (
        "人民调解协议书.pdf",
        lambda ref: demo_pdf("People's Mediation Agreement (demo)", ref, "Signed by both parties and the mediator."),
    ),
}


def demo_file(material_kind, reference=""):
    name, make = FILES[material_kind]
    return SimpleUploadedFile(name, make(reference), content_type="application/octet-stream")


# --- seeding ---------------------------------------------------------------------


def seed_offices(streets, communities):
    """The organisations that only take matters, and their staff: ({code: Partner}, offices and accounts created)."""
    User = get_user_model()
    offices = Partner.objects.in_bulk([office.code for office in OFFICES], field_name="code")
    new_offices = created = 0
    for office in OFFICES:
        partner = offices.get(office.code)
        if partner is None:
            partner = offices[office.code] = Partner.objects.create(
                code=office.code,
                name=office.name,
                kind=Partner.Kind.LEGAL_STATION,
                street=streets[office.street],
                community=communities[office.community],
                address=office.address,
                phone=office.phone,
                latitude=Decimal(office.latitude),
                longitude=Decimal(office.longitude),
                opening_notes=office.opening_notes,
            )
            new_offices += 1
        email = f"{office.code}@example.com"
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email, password=None, name=office.staff_name, phone=office.staff_phone
            )
            user.password = make_password(demo_data.DEMO_PASSWORD)
            user.save(update_fields=["password"])
            created += 1
        partner.users.add(user)
    return offices, new_offices, created


def seed_desks():
    """Which organisation takes which kind of matter; only missing desks are added."""
    providers = Partner.objects.in_bulk(
        [code for _kind, default, others in DESKS for code in (default, *others)], field_name="code"
    )
    created = 0
    for kind, default, others in DESKS:
        for code in (default, *others):
            if code not in providers:
                continue
            _desk, new = Desk.objects.get_or_create(
                kind=kind, organisation=providers[code], defaults={"is_default": code == default}
            )
            created += new
    return created


def seed_matters(streets, communities, now=None):
    """The offices, desks and the demo's matters; how many of each this run created."""
    now = now or timezone.now()
    _offices, new_offices, accounts = seed_offices(streets, communities)
    created = {"providers": new_offices, "users": accounts, "matter desks": seed_desks(), "matters": 0}
    User = get_user_model()
    emails = {story.applicant for story in STORIES}
    applicants = {user.email: user for user in User.objects.filter(email__in=emails)}
    if Matter.objects.filter(applicant__in=applicants.values()).exclude(kind="follow_up").exists():
        return created
    stories = sorted(
        (story for story in STORIES if story.applicant in applicants), key=lambda story: moment(story.when, now)
    )
    with transaction.atomic(), past_notices_dropped():
        for story in stories:
            live(story, applicants[story.applicant], now)
            created["matters"] += 1
        # The scheduler's job would have sent the late ones to their street's supervisors (督办) by now.
        supervision.escalate_late_matters(now)
    return created


@contextmanager
def past_notices_dropped():
    """The notices of steps taken weeks ago are not sent when the seed commits (nor SMS to invented numbers).

    The services enqueue them on commit; what was registered inside is forgotten again. The other
    parties of the mediations were asked, as the invitation task would have recorded.
    """
    connection = transaction.get_connection()
    assert connection.in_atomic_block, "the demo's matters are seeded inside a transaction"
    before = len(connection.run_on_commit)
    yield
    del connection.run_on_commit[before:]


def moment(when, now):
    """``(days, "HH:MM")``: that local time so many days before today; ``"5h"``: hours before now."""
    if isinstance(when, str):
        return now - timedelta(hours=float(when.rstrip("h")))
    days, clock = when
    zone = timezone.get_default_timezone()
    day = timezone.localtime(now, zone).date() - timedelta(days=days)
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=zone)


def staff_of(organisation_id):
    partner = Partner.objects.get(pk=organisation_id)
    return min(partner.users.all(), key=lambda user: user.pk)


def live(story, applicant, now):
    """Submit the story's matter and take its steps, each at its moment, through the services."""
    at = min(moment(story.when, now), now - timedelta(minutes=30))
    station = Partner.objects.get(code=story.station)
    fields = dict(story.fields)
    if isinstance(fields.get("preferred_date"), int):
        fields["preferred_date"] = (timezone.localdate(at) + timedelta(days=fields["preferred_date"])).isoformat()
    with acting("web", user=applicant):
        matter = services.submit(
            applicant,
            story.kind,
            story.text,
            fields=fields,
            other_party=dict(zip(("name", "phone"), story.other_party, strict=True)) if story.other_party else None,
            organisation=station,
            materials=[(kind, demo_file(kind)) for kind in story.materials],
            now=at,
        )
    if story.other_party:
        # What the invitation task records once its text message is out.
        Matter.objects.filter(pk=matter.pk).update(other_party_invited_at=at + timedelta(minutes=1))
    for step in story.steps:
        matter.refresh_from_db()
        when = matter.due_at + timedelta(minutes=20) if step.when == "due" else moment(step.when, now)
        # Never before the step it follows, never in the future.
        at = min(max(when, at + timedelta(minutes=5)), now - timedelta(minutes=1))
        take(matter, step, applicant, at, now)


def take(matter, step, applicant, at, now=None):
    if step.who == "other_party":
        with acting("web"):
            services.other_party_answer(matter.pk, step.action == "accept", step.text, now=at)
        return
    if step.who == "system":
        services.system_step(matter.pk, step.action, step.text, now=at)
        return
    user = applicant if step.who == "applicant" else staff_of(matter.organisation_id)
    door = "web" if step.who == "applicant" else "console"
    with acting(door, user=user):
        if step.action == "material":
            services.add_material(user, matter.reference, step.extra, demo_file(step.extra, matter.reference), now=at)
            return
        if step.action == "schedule":
            days, clock, minutes = step.extra
            starts_at = moment((days, clock), now or timezone.now())
            services.schedule_session(user, matter.reference, starts_at, minutes, now=at)
            return
        if step.action == "held":
            services.record_session_held(user, matter.reference, step.extra, step.text, now=at)
            return
        extra = {}
        if step.action == "assign":
            extra["assignee"] = user
        elif step.action == "transfer":
            extra["to"] = Partner.objects.get(code=step.extra)
        elif step.action == "rate":
            extra["stars"] = step.extra
        services.take_step(user, matter.reference, step.action, step.text, now=at, **extra)


def progress_example():
    """张丽's written question and the last four digits of her phone: the progress lookup that works in the demo."""
    matter = (
        Matter.objects.filter(applicant__email__iexact=ZHANG_LI, kind="legal_question")
        .select_related("applicant")
        .order_by("submitted_at")
        .first()
    )
    if matter is None or not matter.applicant.phone:
        return None
    return matter.reference, matter.applicant.phone[-4:]
