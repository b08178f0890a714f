//! The two editions, transcribed from 国办公开办函〔2019〕60号 and 国办公开办函〔2021〕30号.

use super::{
    ActiveBlock, ActiveRow, ActiveTable, AppRole, AppRowDef, AppRowKind, AppealGroup, AppealsTable,
    ApplicationsTable, ColumnDef, FeesDef, FormatDef, Main, SectionDef, SectionKind, TableId,
    ValueKind,
};

/// Every edition, oldest first.
pub static EDITIONS: [&FormatDef; 2] = [&F2019, &F2021];

const fn section(
    numeral: &'static str,
    title: &'static str,
    kind: SectionKind,
    guidance: &'static str,
) -> SectionDef {
    SectionDef {
        numeral,
        title,
        kind,
        guidance,
    }
}

const SECTIONS: [SectionDef; 6] = [
    section("一", "总体情况", SectionKind::Narrative,
        "概述本年度政府信息公开工作：主动公开、依申请公开、政府信息管理、平台建设、监督保障等情况。"),
    section("二", "主动公开政府信息情况", SectionKind::Table(TableId::Active),
        "本节表格由前置数据 active 生成，此处可补充说明，也可留空。"),
    section("三", "收到和处理政府信息公开申请情况", SectionKind::Table(TableId::Applications),
        "本节表格由前置数据 applications 生成，此处可补充说明，也可留空。"),
    section("四", "政府信息公开行政复议、行政诉讼情况", SectionKind::Table(TableId::Appeals),
        "本节表格由前置数据 appeals 生成，此处可补充说明，也可留空。"),
    section("五", "存在的主要问题及改进情况", SectionKind::Narrative,
        "写明本年度工作存在的主要问题、上年度问题的改进情况和下一步的改进措施。"),
    section("六", "其他需要报告的事项", SectionKind::Narrative,
        "写明其他需要报告的事项；没有的，写“无”。"),
];

const fn col(label: &'static str, kind: ValueKind) -> ColumnDef {
    ColumnDef {
        label,
        kind,
        unit: None,
    }
}

const fn row(key: &'static str, label: &'static str) -> ActiveRow {
    ActiveRow { key, label }
}

const fn data(path: &'static str, label: &'static str, role: AppRole) -> AppRowDef {
    AppRowDef {
        path,
        label,
        kind: AppRowKind::Data,
        role,
    }
}

const fn result(path: &'static str, label: &'static str) -> AppRowDef {
    data(path, label, AppRole::Result)
}

const fn group(path: &'static str, label: &'static str) -> AppRowDef {
    AppRowDef {
        path,
        label,
        kind: AppRowKind::Group,
        role: AppRole::None,
    }
}

const APPLICATIONS_CAPTION: &str = "收到和处理政府信息公开申请情况";
const APPLICATIONS_NOTE: &str =
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";
const APPLICATIONS_RULE: &str = "第一项加第二项之和，等于第三项加第四项之和";
const APPLICANT_COLUMNS: [&str; 6] = [
    "自然人",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
];

/// Rows shared by both editions up to （五）不予处理, then the edition's （六）, then the tail.
macro_rules! application_rows {
    ($($other:expr),+ $(,)?) => {
        &[
            data("new", "一、本年新收政府信息公开申请数量", AppRole::New),
            data("carried_over", "二、上年结转政府信息公开申请数量", AppRole::CarriedOver),
            group("results", "三、本年度办理结果"),
            result("results.granted", "（一）予以公开"),
            result("results.partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
            group("results.withheld", "（三）不予公开"),
            result("results.withheld.state_secret", "1.属于国家秘密"),
            result("results.withheld.prohibited", "2.其他法律行政法规禁止公开"),
            result("results.withheld.security", "3.危及“三安全一稳定”"),
            result("results.withheld.third_party", "4.保护第三方合法权益"),
            result("results.withheld.internal", "5.属于三类内部事务信息"),
            result("results.withheld.process", "6.属于四类过程性信息"),
            result("results.withheld.enforcement", "7.属于行政执法案卷"),
            result("results.withheld.inquiry", "8.属于行政查询事项"),
            group("results.unavailable", "（四）无法提供"),
            result("results.unavailable.not_held", "1.本机关不掌握相关政府信息"),
            result("results.unavailable.needs_creation", "2.没有现成信息需要另行制作"),
            result("results.unavailable.unclear", "3.补正后申请内容仍不明确"),
            group("results.not_processed", "（五）不予处理"),
            result("results.not_processed.petition", "1.信访举报投诉类申请"),
            result("results.not_processed.repeated", "2.重复申请"),
            result("results.not_processed.publication", "3.要求提供公开出版物"),
            result("results.not_processed.excessive", "4.无正当理由大量反复申请"),
            result("results.not_processed.reconfirm", "5.要求行政机关确认或重新出具已获取信息"),
            $($other,)+
            AppRowDef { path: "results.total", label: "（七）总计", kind: AppRowKind::Total, role: AppRole::None },
            data("carried_forward", "四、结转下年度继续办理", AppRole::CarriedForward),
        ]
    };
}

const APPEALS: AppealsTable = AppealsTable {
    caption: "政府信息公开行政复议、行政诉讼情况",
    unit: "单位：件",
    groups: &[
        AppealGroup {
            key: "reconsideration",
            headers: &["行政复议"],
        },
        AppealGroup {
            key: "litigation",
            headers: &["行政诉讼", "未经复议直接起诉"],
        },
        AppealGroup {
            key: "litigation_after_reconsideration",
            headers: &["行政诉讼", "复议后起诉"],
        },
    ],
    columns: ["结果维持", "结果纠正", "其他结果", "尚未审结"],
    total_label: "总计",
};

const COUNT: ValueKind = ValueKind::Count;

/// 国办公开办函〔2019〕60号 — report years 2019 and 2020.
pub static F2019: FormatDef = FormatDef {
    id: 2019,
    document: "国办公开办函〔2019〕60号",
    years: (2008, Some(2020)),
    sections: SECTIONS,
    active: ActiveTable {
        caption: "主动公开政府信息情况",
        unit: "单位：件（项）；金额单位：万元",
        content_header: "信息内容",
        blocks: &[
            ActiveBlock {
                title: "第二十条第（一）项",
                main: Main::Col(0),
                columns: &[
                    col("本年新制作数量", COUNT),
                    col("本年新公开数量", COUNT),
                    col("对外公开总数量", COUNT),
                ],
                rows: &[
                    row("rules", "规章"),
                    row("normative_documents", "规范性文件"),
                ],
            },
            ActiveBlock {
                title: "第二十条第（五）项",
                main: Main::Col(2),
                columns: &[
                    col("上一年项目数量", COUNT),
                    col("本年增/减", ValueKind::Signed),
                    col("处理决定数量", COUNT),
                ],
                rows: &[
                    row("licensing", "行政许可"),
                    row("other_services", "其他对外管理服务事项"),
                ],
            },
            ActiveBlock {
                title: "第二十条第（六）项",
                main: Main::Col(2),
                columns: &[
                    col("上一年项目数量", COUNT),
                    col("本年增/减", ValueKind::Signed),
                    col("处理决定数量", COUNT),
                ],
                rows: &[row("penalty", "行政处罚"), row("coercion", "行政强制")],
            },
            ActiveBlock {
                title: "第二十条第（八）项",
                main: Main::Sum(0, 1),
                columns: &[
                    col("上一年项目数量", COUNT),
                    col("本年增/减", ValueKind::Signed),
                ],
                rows: &[row("fees", "行政事业性收费")],
            },
            ActiveBlock {
                title: "第二十条第（九）项",
                main: Main::Col(0),
                columns: &[
                    col("采购项目数量", COUNT),
                    ColumnDef {
                        label: "采购总金额",
                        kind: ValueKind::Amount { decimals: 4 },
                        unit: Some("万元"),
                    },
                ],
                rows: &[row("procurement", "政府集中采购")],
            },
        ],
    },
    applications: ApplicationsTable {
        caption: APPLICATIONS_CAPTION,
        unit: "单位：件",
        note: APPLICATIONS_NOTE,
        rule: APPLICATIONS_RULE,
        applicant_header: "申请人情况",
        legal_person_header: "法人或其他组织",
        columns: APPLICANT_COLUMNS,
        total_label: "总计",
        rows: application_rows!(result("results.other", "（六）其他处理")),
    },
    appeals: APPEALS,
    processing_fees: None,
};

/// 国办公开办函〔2021〕30号 — report years from 2021.
pub static F2021: FormatDef = FormatDef {
    id: 2021,
    document: "国办公开办函〔2021〕30号",
    years: (2021, None),
    sections: SECTIONS,
    active: ActiveTable {
        caption: "主动公开政府信息情况",
        unit: "单位：件（项）；金额单位：万元",
        content_header: "信息内容",
        blocks: &[
            ActiveBlock {
                title: "第二十条第（一）项",
                main: Main::Col(0),
                columns: &[
                    col("本年制发件数", COUNT),
                    col("本年废止件数", COUNT),
                    col("现行有效件数", COUNT),
                ],
                rows: &[
                    row("rules", "规章"),
                    row("normative_documents", "行政规范性文件"),
                ],
            },
            ActiveBlock {
                title: "第二十条第（五）项",
                main: Main::Col(0),
                columns: &[col("本年处理决定数量", COUNT)],
                rows: &[row("licensing", "行政许可")],
            },
            ActiveBlock {
                title: "第二十条第（六）项",
                main: Main::Col(0),
                columns: &[col("本年处理决定数量", COUNT)],
                rows: &[row("penalty", "行政处罚"), row("coercion", "行政强制")],
            },
            ActiveBlock {
                title: "第二十条第（八）项",
                main: Main::Col(0),
                columns: &[col(
                    "本年收费金额（单位：万元）",
                    ValueKind::Amount { decimals: 4 },
                )],
                rows: &[row("fees", "行政事业性收费")],
            },
        ],
    },
    applications: ApplicationsTable {
        caption: APPLICATIONS_CAPTION,
        unit: "单位：件",
        note: APPLICATIONS_NOTE,
        rule: APPLICATIONS_RULE,
        applicant_header: "申请人情况",
        legal_person_header: "法人或其他组织",
        columns: APPLICANT_COLUMNS,
        total_label: "总计",
        rows: application_rows!(
            group("results.other", "（六）其他处理"),
            result(
                "results.other.no_correction",
                "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
            ),
            result(
                "results.other.fee_unpaid",
                "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
            ),
            result("results.other.other", "3.其他"),
        ),
    },
    appeals: APPEALS,
    processing_fees: Some(FeesDef {
        label: "信息处理费",
        notices_label: "发出收费通知的件数",
        amount_label: "收取信息处理费（元）",
        amount_decimals: 4,
        sentence: "本年度共发出收费通知 {notices} 件，收取信息处理费 {amount} 元。",
    }),
};
