"""Reference lists of the district (DOMAIN.md §9) and the subject catalogue used by intake and statistics."""

from __future__ import annotations

DIVISION_CODE = "500105"  # 重庆市江北区

# (code, name, kind) — national statistical division codes, 2023.
STREETS: list[tuple[str, str, str]] = [
    ("500105001", "华新街街道", "street"),
    ("500105002", "江北城街道", "street"),
    ("500105003", "石马河街道", "street"),
    ("500105004", "大石坝街道", "street"),
    ("500105005", "寸滩街道", "street"),
    ("500105006", "观音桥街道", "street"),
    ("500105007", "五里店街道", "street"),
    ("500105008", "郭家沱街道", "street"),
    ("500105009", "铁山坪街道", "street"),
    ("500105100", "鱼嘴镇", "town"),
    ("500105101", "复盛镇", "town"),
    ("500105102", "五宝镇", "town"),
]

# Subject keys (事项类别); labels live in i18n under enum.subject.<key>.
SUBJECTS: list[str] = [
    "old_housing_renovation",  # 老旧小区改造
    "guaranteed_delivery",  # 保交楼
    "resettlement_title",  # 安置房产权证办理
    "property_management",  # 物业纠纷
    "land_requisition",  # 征地拆迁
    "labour_wages",  # 劳动社保/欠薪
    "urban_management",  # 城乡建设管理
    "environment",  # 生态环境
    "transport",  # 交通运输
    "education",  # 教育
    "health",  # 卫生健康
    "social_security",  # 民政/社会保障
    "public_security",  # 政法/公安
    "market_regulation",  # 市场监管/消费
    "neighbour_dispute",  # 邻里纠纷
    "family_dispute",  # 婚姻家庭
    "discipline",  # 纪检监察/干部作风
    "other",  # 其他
]


def _words(text: str) -> list[str]:
    return text.split()


# Communities (社区) and villages (村) per street/town: 113 + 13. Codes are the street code + 3 digits,
# 001… for communities and 201… for villages, as in the national statistical division list.
COMMUNITIES: dict[str, list[str]] = {
    "500105001": _words(
        "华新村社区 红土地社区 北城路社区 嘉陵一村社区 嘉陵三村社区 桥北村社区 黄花园社区 兴隆路社区 渝北一村社区 洋河一村社区 长安一村社区"
    ),
    "500105002": _words("江北城社区 金沙门社区 上横街社区 聚贤岩社区 江北嘴社区 保定门社区"),
    "500105003": _words(
        "石马河社区 南桥寺社区 红石路社区 玉带山社区 大庆村社区 金科社区 盘溪路社区 石子山社区 清水溪社区 鲤鱼池社区 洋河社区 海天社区 同创社区"
    ),
    "500105004": _words(
        "大石坝社区 东风社区 石门社区 盘溪社区 九龙社区 嘉陵社区 五简路社区 北滨社区 鸿恩寺社区 和平村社区 东原社区 青年路社区"
    ),
    "500105005": _words(
        "寸滩社区 港城社区 保税港社区 海尔路社区 黑石子社区 沙溪社区 大佛寺社区 五里坪社区 宝来社区 港安社区 唐家沱社区"
    ),
    "500105006": _words(
        "建新北路社区 建新南路社区 建新西路社区 建新东路社区 洋河路社区 观音桥社区 北城天街社区 嘉陵桥社区 塔坪社区 新村社区 花卉园社区 松石支路社区 金源社区 董家溪社区 北仓社区 红鼎社区 华侨城社区 紫荆社区"
    ),
    "500105007": _words(
        "五里店社区 三洞桥社区 东升门社区 溉澜溪社区 渝能社区 朝阳社区 新溉路社区 鹞子丘社区 江机社区 黄泥塝社区 刘家台社区 五简社区 大湾社区"
    ),
    "500105008": _words("郭家沱社区 望江社区 铁山社区 长安社区 双溪社区 大兴社区 船厂社区 滨江社区"),
    "500105009": _words("铁山坪社区 渝东社区 竹林坳社区 龙王洞村 铁山村 石坪村 新桥村"),
    "500105100": _words(
        "鱼嘴社区 鱼复社区 沙湾社区 长惠社区 东港社区 新城社区 胜利社区 明月社区 太洪社区 太洪村 石坝村 双溪村 复兴村"
    ),
    "500105101": _words("复盛社区 正街社区 广阳社区 八角社区 新田社区 盘龙社区 高岩村 鹿鸣村 新华村"),
    "500105102": _words("五宝社区 龙溪社区 保家社区 桂花村 五宝村"),
}

# Roads and landmarks used in addresses and case locations, per street/town.
STREET_ROADS: dict[str, list[str]] = {
    "500105001": _words("北城路 华新街 红土地路 嘉陵一村 嘉陵三村 桥北村 兴隆路 渝北一村 洋河一路"),
    "500105002": _words("江北城西大街 江北城南大街 上横街 金沙门路 聚贤岩广场 江北嘴大道"),
    "500105003": _words("红石路 南桥寺路 盘溪路 石马河路 玉带山 清水溪路 鲤鱼池路 红石支路"),
    "500105004": _words("大石坝正街 石门路 九龙路 五简路 北滨一路 鸿恩路 和平村 青年路"),
    "500105005": _words("寸滩路 港城路 海尔路 黑石子路 沙溪路 大佛寺路 港城东路 唐家沱路"),
    "500105006": _words(
        "建新北路 建新南路 建新西路 建新东路 洋河路 北城天街 松石支路 松石大道 嘉陵路 塔坪路 金源路 北仓路"
    ),
    "500105007": _words("五里店路 三洞桥路 东升门路 溉澜溪路 渝能路 新溉大道 鹞子丘路 黄泥塝路 刘家台"),
    "500105008": _words("郭家沱正街 望江路 铁山路 长安路 双溪路 大兴路 滨江路"),
    "500105009": _words("铁山坪路 渝东路 竹林坳路 龙王洞路"),
    "500105100": _words("鱼嘴大道 鱼复路 沙湾路 长惠路 东港大道 胜利路 明月路 太洪路"),
    "500105101": _words("复盛正街 广阳路 八角路 新田路 盘龙路"),
    "500105102": _words("五宝正街 龙溪路 保家路 桂花路"),
}

# Units (责任单位): code, full name, short name, kind (models.unit.UnitKind value), parent code, street code ("-": none).
_UNIT_TABLE = """
XFB    重庆市江北区信访办公室                        区信访办                petition_office   -     -
ZFW    中共重庆市江北区委政法委员会                  区委政法委              department        -     -
MDZX   重庆市江北区矛盾纠纷多元化解中心              区矛盾纠纷多元化解中心  mediation_centre  ZFW   -
JWJW   重庆市江北区纪委监委                          区纪委监委              discipline        -     -
FY     重庆市江北区人民法院                          区法院                  judicial          -     -
JCY    重庆市江北区人民检察院                        区检察院                judicial          -     -
GAFJ   重庆市公安局江北区分局                        区公安分局              judicial          -     -
SFJ    重庆市江北区司法局                            区司法局                judicial          -     -
GZC    重庆市江北区公证处                            区公证处                judicial          SFJ   -
FLYZ   重庆市江北区法律援助中心                      区法律援助中心          judicial          SFJ   -
FGW    重庆市江北区发展和改革委员会                  区发展改革委            department        -     -
JW     重庆市江北区教育委员会                        区教委                  department        -     -
KJJ    重庆市江北区科学技术局                        区科技局                department        -     -
JXW    重庆市江北区经济和信息化委员会                区经济信息委            department        -     -
MZJ    重庆市江北区民政局                            区民政局                department        -     -
CZJ    重庆市江北区财政局                            区财政局                department        -     -
RSJ    重庆市江北区人力资源和社会保障局              区人力社保局            department        -     -
LDZC   重庆市江北区劳动人事争议仲裁院                区劳动人事争议仲裁院    department        RSJ   -
LDJC   重庆市江北区劳动保障监察支队                  区劳动保障监察支队      department        RSJ   -
GHZY   重庆市江北区规划和自然资源局                  区规划自然资源局        department        -     -
BDCDJ  重庆市江北区不动产登记中心                    区不动产登记中心        department        GHZY  -
ZDFW   重庆市江北区征地服务中心                      区征地服务中心          department        GHZY  -
STHJ   重庆市江北生态环境局                          区生态环境局            department        -     -
ZJW    重庆市江北区住房和城乡建设委员会              区住房城乡建委          department        -     -
CSGX   重庆市江北区城市更新服务中心                  区城市更新服务中心      department        ZJW   -
FWZS   重庆市江北区房屋征收服务中心                  区房屋征收服务中心      department        ZJW   -
WYGL   重庆市江北区物业管理服务中心                  区物业管理服务中心      department        ZJW   -
CGJ    重庆市江北区城市管理局                        区城市管理局            department        -     -
JTJ    重庆市江北区交通运输委员会                    区交通运输委            department        -     -
SLJ    重庆市江北区水利局                            区水利局                department        -     -
NYW    重庆市江北区农业农村委员会                    区农业农村委            department        -     -
SWW    重庆市江北区商务委员会                        区商务委                department        -     -
WLW    重庆市江北区文化和旅游发展委员会              区文化旅游委            department        -     -
WJW    重庆市江北区卫生健康委员会                    区卫生健康委            department        -     -
TYJR   重庆市江北区退役军人事务局                    区退役军人事务局        department        -     -
YJJ    重庆市江北区应急管理局                        区应急局                department        -     -
SJJ    重庆市江北区审计局                            区审计局                department        -     -
GZW    重庆市江北区国有资产监督管理委员会            区国资委                department        -     -
SCJG   重庆市江北区市场监督管理局                    区市场监管局            department        -     -
YBJ    重庆市江北区医疗保障局                        区医保局                department        -     -
DSJ    重庆市江北区大数据应用发展管理局              区大数据发展局          department        -     -
SWJ    国家税务总局重庆市江北区税务局                区税务局                department        -     -
FL     重庆市江北区妇女联合会                        区妇联                  other             -     -
ZGH    重庆市江北区总工会                            区总工会                other             -     -
CL     重庆市江北区残疾人联合会                      区残联                  other             -     -
JD001  重庆市江北区华新街街道办事处                  华新街街道              street_office     -     500105001
JD002  重庆市江北区江北城街道办事处                  江北城街道              street_office     -     500105002
JD003  重庆市江北区石马河街道办事处                  石马河街道              street_office     -     500105003
JD004  重庆市江北区大石坝街道办事处                  大石坝街道              street_office     -     500105004
JD005  重庆市江北区寸滩街道办事处                    寸滩街道                street_office     -     500105005
JD006  重庆市江北区观音桥街道办事处                  观音桥街道              street_office     -     500105006
JD007  重庆市江北区五里店街道办事处                  五里店街道              street_office     -     500105007
JD008  重庆市江北区郭家沱街道办事处                  郭家沱街道              street_office     -     500105008
JD009  重庆市江北区铁山坪街道办事处                  铁山坪街道              street_office     -     500105009
JD100  重庆市江北区鱼嘴镇人民政府                    鱼嘴镇                  street_office     -     500105100
JD101  重庆市江北区复盛镇人民政府                    复盛镇                  street_office     -     500105101
JD102  重庆市江北区五宝镇人民政府                    五宝镇                  street_office     -     500105102
CTJT   重庆市江北区城市建设投资集团有限公司          区城投集团              enterprise        GZW   -
JBZ    重庆江北嘴中央商务区投资集团有限公司          江北嘴投资集团          enterprise        GZW   -
SWJT   重庆水务集团江北自来水有限公司                江北自来水公司          enterprise        -     -
RQ     重庆燃气集团江北分公司                        江北燃气公司            enterprise        -     -
GD     国网重庆市电力公司市区供电分公司江北供电中心  江北供电中心            enterprise        -     -
DX     中国电信重庆江北分公司                        江北电信                enterprise        -     -
"""
UNITS: list[tuple[str, str, str, str, str | None, str | None]] = [
    (code, name, short, kind, None if parent == "-" else parent, None if street == "-" else street)
    for code, name, short, kind, parent, street in (line.split() for line in _UNIT_TABLE.strip().splitlines())
]
