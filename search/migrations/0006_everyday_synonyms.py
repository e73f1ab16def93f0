"""Words residents use for their needs (欠薪, 被辞退, 孩子上学, 看病, 遗嘱…) beside the words services use.

Added to every site; editors change or remove them in the CMS (Search synonyms). A row an editor
has already made with the same words is left alone.
"""

from django.db import migrations

EVERYDAY_SYNONYMS = (
    # Work and wages
    "欠薪, 拖欠工资, 讨薪, 工资不发, 劳动报酬",
    "辞退, 解雇, 开除, 炒鱿鱼, 解除劳动合同",
    "劳动争议, 劳动纠纷, 劳动仲裁",
    "找工作, 就业, 求职, 失业",
    # Family and the law
    "遗嘱, 继承, 遗产",
    "离婚, 分居, 婚姻纠纷",
    "起诉, 诉讼, 打官司, 告状",
    "吵架, 纠纷, 矛盾",
    "邻居, 邻里",
    "诈骗, 被骗, 骗子, 防骗",
    # Children and school
    "小孩, 孩子, 儿童, 子女, 小朋友",
    "上学, 入学, 招生, 就读",
    # Health
    "看病, 看医生, 就医, 就诊, 家庭医生",
    "医生, 大夫",
    "怀孕, 孕期, 孕产妇, 孕检",
    "牙齿, 口腔, 蛀牙, 龋齿",
    # Social security
    "退休金, 养老金, 退休",
    "残疾, 残障, 伤残, 残疾人",
    "低保, 最低生活保障",
    "社保卡, 社会保障卡",
    # English, for residents who read the site in English
    "wages, salary, pay",
    "fired, dismissed, dismissal, sacked",
    "will, wills, inheritance",
    "divorce, separation",
    "doctor, gp, clinic",
    "school, enrolment, enrollment, enrol, enroll",
    "pension, retirement, retire",
    "disability, disabled, handicapped",
    "lawyer, legal, attorney",
    "kid, kids, child, children",
    "vaccine, vaccination, jab",
    "job, jobs, employment, unemployed",
    "elderly, older, senior, seniors",
)


def add(apps, schema_editor):
    Synonym = apps.get_model("sitesearch", "Synonym")
    for terms in EVERYDAY_SYNONYMS:
        Synonym.objects.get_or_create(terms=terms)


def remove(apps, schema_editor):
    apps.get_model("sitesearch", "Synonym").objects.filter(terms__in=EVERYDAY_SYNONYMS).delete()


class Migration(migrations.Migration):
    dependencies = [("sitesearch", "0005_suggest_key_covering")]

    operations = [migrations.RunPython(add, remove)]
