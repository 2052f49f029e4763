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
