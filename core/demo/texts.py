"""The demo's Chinese texts: case titles, facts and requests per subject, notes, letters and place words."""

from __future__ import annotations

from core.demo.draw import words
from core.places import reference

# subject | title | facts | request. Slots such as {estate} are filled per case (see geography.slot).
_SUBJECT_TEXT = """
old_housing_renovation | 反映{old_estate}老旧小区改造施工扰民问题 | {old_estate}正在实施老旧小区改造，施工单位早上六点即开始作业、晚上十点后仍在切割，严重影响居民休息 | 要求规范施工时间，减少噪音扰民
old_housing_renovation | 反映{old_estate}改造后外墙渗水问题 | {old_estate}去年完成老旧小区改造，外墙保温层施工质量差，雨天多户家中墙面渗水发霉 | 要求施工单位返修并赔偿损失
old_housing_renovation | 建议将{old_estate}纳入老旧小区改造计划 | {old_estate}建成于上世纪八十年代，管网老化、无物业管理、道路破损，居民多次向社区反映 | 希望将小区纳入明年老旧小区改造计划
old_housing_renovation | 反映{old_estate}加装电梯意见分歧问题 | {old_estate}{building}栋拟加装电梯，低层住户以采光和噪音为由反对，工程无法推进 | 请求社区和街道协调加装电梯事宜
old_housing_renovation | 反映{old_estate}改造工程进度缓慢 | {old_estate}改造工程开工已{months}个月，道路开挖后长期未恢复，老人出行困难 | 要求加快施工进度，尽快恢复道路
old_housing_renovation | 反映{old_estate}雨污分流改造后下水道堵塞 | {old_estate}雨污分流改造完工后，{building}栋下水道多次堵塞反溢 | 要求彻底整改排水管网
guaranteed_delivery | 反映{project}项目停工逾期交房问题 | 信访人于{year_buy}年购买{project}项目商品房，合同约定{year_due}年交房，项目已停工{months}个月 | 要求尽快复工并按期交房
guaranteed_delivery | 要求{project}项目尽快复工交房 | {project}项目因开发商资金链断裂停工，购房人已交首付并按月偿还房贷 | 请求政府协调保交楼，明确复工时间
guaranteed_delivery | 反映{project}交房后房屋质量问题 | {project}项目已交房，但房屋存在墙体开裂、门窗渗水等质量问题，开发商推诿不予维修 | 要求开发商履行保修义务
guaranteed_delivery | 反映{project}开发商逾期交房未支付违约金 | {project}项目逾期交房{months}个月，开发商拒绝按合同支付逾期交房违约金 | 要求开发商按合同支付违约金
guaranteed_delivery | 反映{project}项目无法办理不动产权证 | {project}项目已交房两年，因开发商欠缴土地出让金无法办理产权证 | 要求尽快办理不动产权证书
resettlement_title | 反映{estate}安置房多年未办理产权证 | 信访人系拆迁安置户，{year_buy}年入住{estate}安置房至今未办理产权证，影响子女入学和房屋交易 | 要求尽快办理安置房不动产权证书
resettlement_title | 要求办理{estate}安置房不动产权证书 | {estate}共{households}户安置房因规划验收手续不全，长期无法办证 | 请求相关部门协调完善手续，集中办证
resettlement_title | 反映安置房产权证办理收费问题 | 信访人办理{estate}安置房产权证时被要求补缴面积差价款，认为收费标准不合理 | 要求公开收费依据，核实面积差价
resettlement_title | 反映{estate}安置房超面积部分价格问题 | {estate}安置房超出安置面积部分按市场价计算，信访人认为应按优惠价 | 要求按安置政策核定价格
property_management | 反映{estate}物业公司服务质量差 | {estate}物业公司收费后不履行服务义务，垃圾清运不及时，公共区域无人保洁 | 要求物业公司整改或依法更换物业
property_management | 反映{estate}物业费上涨问题 | {estate}物业公司未经业主大会同意将物业费由每平方米{fee_old}元上调至{fee_new}元 | 要求撤销涨价决定
property_management | 反映{estate}物业公司占用公共收益 | {estate}电梯广告、停车等公共收益多年未向业主公示 | 要求公开公共收益收支情况并归还业主
property_management | 反映{estate}电梯长期故障无人维修 | {estate}{building}栋电梯频繁故障停运，物业公司以维修资金不足为由拖延 | 要求尽快维修电梯，保障出行安全
property_management | 反映{estate}业主委员会选举问题 | {estate}业主委员会换届选举程序不规范，部分业主未收到投票通知 | 要求街道指导重新组织选举
property_management | 反映{estate}停车管理收费问题 | {estate}物业公司对小区内临时停车收费标准过高，且未经业主同意 | 要求规范停车收费
land_requisition | 反映{village}征地补偿款发放问题 | {village}土地于{year_buy}年被征收，信访人认为地上附着物补偿不足，部分补偿款至今未发放 | 要求足额发放征地补偿款
land_requisition | 反映{road}片区房屋征收补偿标准问题 | {road}片区房屋征收，信访人认为评估价格明显低于周边市场价 | 要求重新评估并提高补偿标准
land_requisition | 要求落实{village}被征地农转非人员养老保险 | 信访人系{village}被征地农转非人员，养老保险参保补贴未落实 | 要求按政策办理养老保险
land_requisition | 反映{village}集体经济组织成员资格认定问题 | 信访人户籍在{village}，因外嫁被认定不具备集体经济组织成员资格，未分得征地补偿 | 要求重新认定成员资格
labour_wages | 反映{company}拖欠工资问题 | 信访人在{company}工作，公司拖欠{months}个月工资共计{amount}元 | 要求公司支付拖欠工资
labour_wages | 反映{project}项目农民工工资拖欠 | 信访人等在{project}项目务工，劳务分包单位拖欠劳务费{amount}元 | 要求尽快支付农民工工资
labour_wages | 反映{company}未依法缴纳社会保险 | {company}未为信访人缴纳社会保险，离职后无法申领失业保险金 | 要求公司补缴社会保险
labour_wages | 反映{company}违法解除劳动合同 | {company}以经营困难为由单方解除劳动合同，未支付经济补偿 | 要求支付经济补偿金
urban_management | 反映{road}占道经营问题 | {road}每天傍晚大量摊贩占道经营，堵塞人行道，油烟和垃圾问题突出 | 要求城管部门加强管理
urban_management | 反映{road}夜间施工噪音扰民 | {road}附近工地夜间施工至凌晨，噪音严重影响周边居民休息 | 要求查处夜间违规施工
urban_management | 反映{estate}违章搭建问题 | {estate}{building}栋顶楼住户在屋顶违规搭建阳光房，存在安全隐患 | 要求依法拆除违章建筑
urban_management | 建议{road}增设公共停车位 | {road}周边停车位严重不足，车辆乱停放影响通行 | 建议利用闲置地块增设公共停车场
urban_management | 反映{road}路灯损坏长期未修 | {road}多盏路灯损坏，夜间行人出行不便 | 要求尽快修复路灯
environment | 反映{road}餐饮油烟扰民 | {road}临街餐馆油烟直排，附近居民无法开窗 | 要求督促安装油烟净化设施
environment | 反映{company}排放异味问题 | {company}生产时排放刺鼻气味，周边居民身体不适 | 要求依法查处并整改
environment | 反映{road}附近工地扬尘污染 | {road}附近建筑工地未采取降尘措施，扬尘严重 | 要求落实扬尘治理措施
environment | 反映{village}溪沟污染问题 | {village}附近溪沟有生活污水直排，水体发黑发臭 | 要求治理水体污染
transport | 建议{road}增设公交站点 | {road}片区居民出行需步行二十分钟才能到达公交站 | 建议增设公交站点或调整线路
transport | 反映{road}路段交通拥堵问题 | {road}早晚高峰拥堵严重，信号灯配时不合理 | 建议优化信号灯配时
transport | 反映出租车拒载绕路问题 | 信访人在{road}乘坐出租车遭遇拒载和绕路 | 要求查处并加强出租车管理
education | 反映{estate}适龄儿童入学划片问题 | {estate}被划入较远学校学区，孩子上学需跨越主干道 | 要求调整学区划分
education | 反映校外培训机构退费难 | 信访人在{company}预交培训费{amount}元，机构停业后拒不退费 | 要求协调退还培训费
education | 建议增加{street}学位供给 | {street}近年新建小区较多，幼儿园和小学学位紧张 | 建议新建或扩建学校
health | 反映医院医疗服务态度问题 | 信访人在区内某医院就诊时医生态度生硬，检查项目过多 | 要求调查处理并改进服务
health | 反映医疗纠纷赔偿问题 | 信访人家属在医院手术后出现并发症，认为医院存在过错 | 要求医院赔偿并追责
health | 反映{estate}周边诊所无证行医 | {estate}附近有诊所疑似无证行医 | 要求卫生健康部门依法查处
social_security | 申请城乡低保救助 | 信访人家庭成员患重病，家庭收入低于低保标准，申请低保未获批准 | 要求重新审核低保申请
social_security | 反映高龄津贴未按时发放 | 信访人年满八十周岁，高龄津贴已停发{months}个月 | 要求补发高龄津贴
social_security | 反映养老保险待遇核定问题 | 信访人认为社保部门核定的视同缴费年限有误 | 要求重新核定养老保险待遇
social_security | 反映残疾人两项补贴问题 | 信访人为二级残疾，残疾人护理补贴未能申领 | 要求落实残疾人补贴
public_security | 反映{road}深夜噪音扰民报警处理问题 | {road}某娱乐场所深夜噪音扰民，多次报警后仍未解决 | 要求依法处理噪音扰民
public_security | 反映被诈骗案件办理进度问题 | 信访人被电信诈骗{amount}元，已报案{months}个月未有进展 | 要求加快侦办并追回损失
public_security | 反映户籍迁移办理问题 | 信访人办理户口迁入{street}时被告知材料不全，多次往返未办成 | 要求一次性告知并办理户籍迁移
market_regulation | 反映{company}预付卡退费难 | 信访人在{company}办理预付卡{amount}元，商家闭店后拒不退款 | 要求商家退还余额
market_regulation | 反映{road}商户销售过期食品 | 信访人在{road}一超市购买到过期食品，商家拒绝赔偿 | 要求依法查处并赔偿
market_regulation | 反映{company}装修合同纠纷 | 信访人与{company}签订装修合同，公司收款后延期施工且质量差 | 要求公司退款或整改
neighbour_dispute | 反映{estate}楼上住户漏水纠纷 | {estate}{building}栋楼上住户卫生间漏水导致信访人家中天花板损坏，协商未果 | 请求调解并赔偿维修费用
neighbour_dispute | 反映邻居占用公共通道问题 | {estate}邻居长期在楼道堆放杂物，占用消防通道 | 要求清理楼道杂物
neighbour_dispute | 反映邻居饲养犬只扰民问题 | {estate}邻居饲养大型犬，夜间吠叫且不拴绳 | 要求规范文明养犬
family_dispute | 反映赡养老人纠纷 | 信访人年迈多病，子女互相推诿不履行赡养义务 | 请求调解落实赡养费
family_dispute | 反映婚姻家庭纠纷请求调解 | 信访人与配偶因家庭财产分割发生纠纷 | 请求调解家庭矛盾
family_dispute | 反映遗产继承纠纷 | 信访人与兄弟姐妹因父母遗留房产继承问题发生纠纷 | 请求调解遗产分割
discipline | 反映{street}工作人员工作作风问题 | 信访人到{street}便民服务中心办事，工作人员推诿扯皮、态度恶劣 | 要求调查处理
discipline | 检举{community}干部优亲厚友问题 | {community}干部在低保评定中优亲厚友，违规为亲属办理低保 | 要求调查核实并依规依纪依法处理
discipline | 检举{community}工作人员违规收取费用 | {community}工作人员在出具证明时收取费用 | 要求查处违规收费行为
discipline | 反映干部违规插手工程项目问题 | 信访人反映某干部违规插手{project}项目工程分包 | 要求纪检监察机关调查
other | 咨询住房公积金提取政策 | 信访人咨询住房公积金提取及相关政策 | 请求解答政策
other | 反映{road}公共设施损坏问题 | {road}人行道护栏损坏，存在安全隐患 | 要求修复公共设施
"""
SUBJECT_TEXT: dict[str, list[tuple[str, str, str]]] = {}
for _line in _SUBJECT_TEXT.strip().splitlines():
    _subject, _title, _fact, _request = (part.strip() for part in _line.split("|"))
    SUBJECT_TEXT.setdefault(_subject, []).append((_title, _fact, _request))
assert set(SUBJECT_TEXT) == set(reference.SUBJECTS), "every subject needs text templates"

# A party member's appeal (党员申诉) goes to discipline inspection whatever the subject (route 3).
PARTY_APPEAL_TEXT = (
    "不服党纪处分决定提出申诉",
    "信访人系中共党员，对所受党纪处分决定不服，认为认定事实有误",
    "请求重新审查处分决定",
)
REPLY_TEXT = {
    "support": "经调查核实，信访人反映的问题基本属实，已督促责任单位落实整改措施，信访人诉求予以支持。",
    "explain": "经调查核实，已向信访人说明相关政策规定和办理情况，并告知后续工作安排。",
    "reject": "经调查核实，信访人诉求缺乏事实和政策依据，不予支持。",
}
REVIEW_NOTICE = "如对本处理意见不服，可自收到本意见书之日起30日内向上一级行政机关请求复查。"
OLD_ESTATE_UNITS = words(
    "长安厂 江北机械厂 重庆玻璃厂 嘉陵厂 建设厂 造纸厂 纺织厂 油漆厂 港务局 运输公司 电池厂 缝纫机厂"
)
ESTATE_SUFFIXES = words("花园 新村 雅苑 家园 华庭 名都 佳园 丽景 公寓 新城 嘉园 苑 小区")
ESTATE_WORDS = words("嘉陵 北城 江北 港城 鸿恩 阳光 金色 滨江 锦绣 望江 翠湖 东方 盛世 和悦 龙溪 玉带")
PROJECT_NAMES = words(
    "悦江府 御景湾 江山樾 云玺台 璟园 天著 滨江壹号 观澜府 锦绣城 未来城 星河湾 翡翠公馆 江屿 澜岸 溪山院 长滩"
)
FINDINGS = [
    "登记要素不全，缺少信访人联系方式",
    "事项分类错误，应为申诉求决类",
    "未在规定期限内转送交办",
    "信访诉求摘要与来信内容不符",
    "未录入信访人身份证号码",
    "重复信访未关联原事项",
    "受理告知书未按期送达",
]
EXTENSION_REASONS = [
    "情况复杂，需多部门联合调查",
    "涉及历史遗留问题，需调阅档案核实",
    "需组织听证核实相关事实",
    "需等待第三方评估结论",
]
SESSION_NOTES = {
    "accepted": "听取双方陈述，释法说理，引导双方互谅互让",
    "agreed": "双方就争议事项达成一致意见，签订调解协议",
    "failed": "双方分歧较大，调解未能达成协议",
    "withdrawn": "申请人表示撤回调解申请",
}
PAUSE_REASONS = {"hearing": "组织听证，听证期间不计入办理期限", "suspension": "信访人住院治疗，申请中止办理"}
MEETING_NOTES = {
    "acceptance": "告知受理情况及办理期限，听取信访人诉求",
    "investigation": "实地查看并了解情况，与信访人沟通办理进展",
    "reply": "当面送达信访处理意见书，解释处理依据，告知复查权利",
}
LETTER_TOPICS = [
    "进一步规范信访事项受理告知工作",
    "落实初信初访“三见面”制度",
    "提高信访事项按期答复率",
    "加强信访处理意见书说理",
    "做好群众满意度回访评价工作",
]
ONSITE_NOTES = {
    "support": "领导现场接待，当场协调责任单位解决，信访人表示认可。",
    "explain": "领导现场接待，当场解释相关政策规定，信访人表示理解。",
}
# 不予受理: why the unit does not accept the matter, and where the petitioner is told to turn instead.
DECLINE_TEXTS = (
    (
        "该事项已经或者依法应当通过诉讼、仲裁、行政复议等法定途径解决，不属于信访受理范围",
        "已告知信访人依法向区人民法院提起诉讼",
    ),
    (
        "该事项已由有权处理的机关依法受理并正在办理，信访人未提出新的事实和理由",
        "已告知信访人向正在办理的机关了解办理进展",
    ),
    ("信访人反映的问题不属于本单位法定职责范围", "已告知信访人向有权处理的行政机关提出"),
)
DECLINE_TEXTS_BY_SUBJECT = {
    "labour_wages": (
        (
            "该事项属于劳动争议，应当通过劳动争议调解、仲裁途径解决",
            "已告知信访人向区劳动人事争议仲裁院申请仲裁",
        ),
    ),
    "market_regulation": (
        ("该事项属于消费纠纷，应当通过投诉举报途径解决", "已告知信访人向区市场监管局投诉举报"),
    ),
}
ROUTE_OUT_NOTE = "经办理查明，该事项应当通过法定途径解决，已告知信访人并导入相应程序"
OBJECTION_NOTE = "该事项不属于本单位职责范围，申请退回重新交办"
BARRED_NOTE = "同一事实和理由已经复核终结，不再受理（《信访工作条例》第36条第3款）"
TERMINATED_NOTE = "复核终结，同一事实和理由不再受理"
REVIEW_NOTE = {
    "support": "经复查，原处理意见不当，予以纠正。",
    "explain": "经复查，原处理意见正确，已向信访人进一步解释说明。",
    "reject": "经复查，原处理意见认定事实清楚、适用依据正确，予以维持。",
}
RESULT_NOTES = {
    "agreed": "经调解，双方自愿达成调解协议",
    "failed": "调解不成，已告知当事人可通过仲裁、行政、司法等途径解决",
    "refused": "一方当事人拒绝调解，不予调解",
    "withdrawn": "申请人撤回调解申请",
}
LETTER_MARKS = {"supervision": "督", "risk_alert": "险", "improvement": "建"}
