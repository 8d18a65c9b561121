//! Header shapes of drafts never seen: columns the template does not have, read so that no
//! value is lost and the outputs keep the template's columns. Each test writes the draft a
//! clerk would send and reads it through the one pipeline (tests/drafts_unseen.rs holds the
//! earlier cases).

mod common;

use common::*;
use gkml::model::Catalogue;

const BASIS: &str = "《中华人民共和国政府信息公开条例》（国务院令第711号）";
const DEADLINE: &str = "信息形成或者变更之日起20个工作日内";
const TITLE: &str = "乐昌镇财政预决算领域基层政务公开标准目录";

/// The elements of an item after its names: content, basis, time limit, subject, channels,
/// 全社会, 特定群众, 主动, 依申请公开.
fn elements(content: &str) -> String {
    format!("{content},{BASIS},{DEADLINE},乐昌镇人民政府,政府网站,✓,,✓,")
}

/// (一级事项, 二级事项) of every item read.
fn names(cats: &[Catalogue]) -> Vec<String> {
    items(cats)
        .into_iter()
        .map(|(_, i)| format!("{}/{}", i.category, i.name))
        .collect()
}

/// What a three-level catalogue reads as: the third level named within its second.
const THREE_LEVELS: [&str; 4] = [
    "财政预算/政府预算—一般公共预算",
    "财政预算/政府预算—政府性基金预算",
    "财政预算/部门预算",
    "财政决算/政府决算—一般公共预算",
];

/// 一级事项 | 二级事项 | 三级事项, 事项类别 | 事项名称 | 具体事项 and 一级目录 | 二级目录 |
/// 三级目录, with the 一级 and 二级 written once on the first row of their group: every name
/// is kept, the third level within the 二级事项 (`二级—三级`), a row without a third level is
/// the 二级 item itself, and no column is unknown (GK009) nor any name missing (GK101).
#[test]
fn a_third_level_of_items_is_read_into_the_second_level_name() {
    let dir = tempfile::tempdir().expect("tmp");
    for (n, levels) in [
        "一级事项,二级事项,三级事项",
        "事项类别,事项名称,具体事项",
        "一级目录,二级目录,三级目录",
    ]
    .iter()
    .enumerate()
    {
        let text = format!(
            "{TITLE}\n\
             序号,{levels},公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,全社会,特定群众,主动,依申请公开\n\
             1,财政预算,政府预算,一般公共预算,{}\n\
             ,,,政府性基金预算,{}\n\
             ,,部门预算,,{}\n\
             2,财政决算,政府决算,一般公共预算,{}\n",
            elements("收支预算表"),
            elements("基金收支预算表"),
            elements("部门收支预算表"),
            elements("收支决算表"),
        );
        let (cats, diags) = read_checked(&csv_draft(dir.path(), &format!("t{n}.csv"), &text));
        assert!(diags.is_empty(), "{levels}: {:?}", codes(&diags));
        assert_eq!(names(&cats), THREE_LEVELS, "{levels}");
        assert!(
            items(&cats).iter().all(|(_, i)| i.remarks.is_empty()),
            "{levels}: nothing goes to 备注"
        );
    }
}

/// 公开事项 | 具体事项 (or 事项名称 | 具体事项) with no 一级事项 column are the template's two
/// levels, not a 二级 and a third: the first is the 一级事项, written once over its group,
/// and 具体事项 the 二级事项 — no GK109 for a missing 一级事项 column.
#[test]
fn two_item_columns_without_a_first_level_are_the_first_and_second_levels() {
    let dir = tempfile::tempdir().expect("tmp");
    for (n, levels) in ["公开事项,具体事项", "事项名称,具体事项"]
        .iter()
        .enumerate()
    {
        let text = format!(
            "{TITLE}\n\
             序号,{levels},公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,全社会,特定群众,主动,依申请公开\n\
             1,财政预算,政府预算,{}\n\
             ,,部门预算,{}\n\
             2,财政决算,政府决算,{}\n",
            elements("收支预算表"),
            elements("部门收支预算表"),
            elements("收支决算表"),
        );
        let (cats, diags) = read_checked(&csv_draft(dir.path(), &format!("t{n}.csv"), &text));
        assert!(diags.is_empty(), "{levels}: {:?}", codes(&diags));
        assert_eq!(
            names(&cats),
            [
                "财政预算/政府预算",
                "财政预算/部门预算",
                "财政决算/政府决算"
            ],
            "{levels}"
        );
    }
}

/// The 一级 and 二级 of a three-level catalogue on rows of their own above the third level
/// (a 二级 alone, or 序号, 一级 and 二级 together), under a two-row header whose 公开事项
/// spans the three levels: those rows head the items below them and are not items.
#[test]
fn second_level_heading_rows_head_the_third_level_items_below() {
    let dir = tempfile::tempdir().expect("tmp");
    let blank = ",".repeat(9);
    let text = format!(
        "{TITLE}\n\
         序号,公开事项,,,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,公开对象,,公开方式,\n\
         ,一级事项,二级事项,三级事项,,,,,,全社会,特定群众,主动,依申请公开\n\
         1,财政预算,,{blank}\n\
         ,,政府预算,{blank}\n\
         ,,,一般公共预算,{}\n\
         ,,,政府性基金预算,{}\n\
         ,,部门预算,,{}\n\
         2,财政决算,政府决算,{blank}\n\
         ,,,一般公共预算,{}\n",
        elements("收支预算表"),
        elements("基金收支预算表"),
        elements("部门收支预算表"),
        elements("收支决算表"),
    );
    let (cats, diags) = read_checked(&csv_draft(dir.path(), "乐昌镇.csv", &text));
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    assert_eq!(names(&cats), THREE_LEVELS);
}

/// A workbook whose 一级 and 二级 cells are merged down over their third-level rows reads as
/// the written-once CSV; the compiled CSV keeps the template's columns (一级事项, 二级事项)
/// with the third level in the 二级事项, and reads back with nothing to report.
#[test]
fn merged_second_level_cells_continue_and_the_outputs_keep_two_levels() {
    use rust_xlsxwriter::{Format, Workbook};
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("乐昌镇.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let header = "序号,一级事项,二级事项,三级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,全社会,特定群众,主动,依申请公开";
    let rows = [
        TITLE.to_string(),
        header.to_string(),
        format!(
            "1,财政预算,政府预算,一般公共预算,{}",
            elements("收支预算表")
        ),
        format!(",,,政府性基金预算,{}", elements("基金收支预算表")),
        format!(",,部门预算,,{}", elements("部门收支预算表")),
        format!(
            "2,财政决算,政府决算,一般公共预算,{}",
            elements("收支决算表")
        ),
    ];
    for (r, line) in rows.iter().enumerate() {
        for (c, v) in line.split(',').enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32, c as u16, v).expect("cell");
            }
        }
    }
    let merged = Format::new();
    ws.merge_range(2, 0, 4, 0, "1", &merged).expect("merge");
    ws.merge_range(2, 1, 4, 1, "财政预算", &merged)
        .expect("merge");
    ws.merge_range(2, 2, 3, 2, "政府预算", &merged)
        .expect("merge");
    wb.save(&path).expect("save");
    let (cats, diags) = read_checked(&path);
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    assert_eq!(names(&cats), THREE_LEVELS);

    let out = tempfile::tempdir().expect("out");
    let o = compile(&path, out.path(), &["--quiet"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let written = out.path().join("乐昌镇.csv");
    let text = std::fs::read_to_string(&written).expect("compiled csv");
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    assert!(lines
        .next()
        .is_some_and(|h| h.starts_with("单位,领域,序号,一级事项,二级事项,公开内容（要素）,")));
    assert!(text.contains(",财政预算,政府预算—一般公共预算,收支预算表,"));
    assert!(!text.contains("三级"));
    let (back, diags) = read_checked(&written);
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    assert_eq!(names(&back), THREE_LEVELS);
}

/// A 是否依申请公开 column, the inverse of 是否主动公开: 是 (√, Y) is 依申请公开, 否 (×, N) is
/// 主动, the mode written out is read as such, a dash says nothing. Beside a 是否主动公开
/// column that agrees, the mode is said once (no GK207 "both modes").
#[test]
fn a_whether_on_request_column_reads_yes_as_on_request_and_no_as_active() {
    let dir = tempfile::tempdir().expect("tmp");
    let row = |name: &str, deadline: &str, marks: &str| {
        format!("{name},{name}的内容,{BASIS},{deadline},乐昌镇人民政府,政府网站,全社会,{marks}")
    };
    let asked = "收到申请之日起20个工作日内";
    for label in ["是否依申请公开", "依申请公开（是/否）"] {
        let text = format!(
            "{TITLE}\n\
             序号,一级事项,二级事项,公开内容,公开依据,公开时限,公开主体,公开渠道,公开对象,{label}\n\
             1,预算信息,{}\n,,{}\n,,{}\n,,{}\n,,{}\n",
            row("政府预算", DEADLINE, "否"),
            row("预算编制底稿", asked, "是"),
            row("部门预算", DEADLINE, "×"),
            row("预算调整材料", asked, "√"),
            row("预算执行", DEADLINE, "主动公开"),
        );
        let (cats, diags) = read_checked(&csv_draft(dir.path(), "乐昌镇.csv", &text));
        assert!(diags.is_empty(), "{label}: {:?}", codes(&diags));
        let got: Vec<String> = items(&cats)
            .into_iter()
            .map(|(_, i)| format!("{} {:?}", i.name, i.mode))
            .collect();
        assert_eq!(
            got,
            [
                "政府预算 [Active]",
                "预算编制底稿 [OnRequest]",
                "部门预算 [Active]",
                "预算调整材料 [OnRequest]",
                "预算执行 [Active]"
            ],
            "{label}"
        );
    }
    // Both columns, agreeing: one mode each, nothing reported; a dash says nothing.
    let text = format!(
        "{TITLE}\n\
         序号,一级事项,二级事项,公开内容,公开依据,公开时限,公开主体,公开渠道,公开对象,是否主动公开,是否依申请公开\n\
         1,预算信息,{}\n,,{}\n,,{}\n",
        row("政府预算", DEADLINE, "是,否"),
        row("预算编制底稿", asked, "否,是"),
        row("部门预算", DEADLINE, "是,—"),
    );
    let (cats, diags) = read_checked(&csv_draft(dir.path(), "两列.csv", &text));
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    let modes: Vec<String> = items(&cats)
        .into_iter()
        .map(|(_, i)| format!("{:?}", i.mode))
        .collect();
    assert_eq!(modes, ["[Active]", "[OnRequest]", "[Active]"]);
}

/// A local channel (微信群) as a sub-column beside 政府网站, 村务公开栏 and 村村响 under an older
/// word for the channels (公开方式, 公开形式), merged over them or repeated over each: it is a
/// channel, read as 其他（微信群）, not an unknown column (GK009) — and not lost, as it was
/// under a repeated 公开形式, whose columns read as mode columns holding a bare √. Under a
/// parent whose children are modes (主动 | 依申请公开) such a column stays unknown.
#[test]
fn a_local_channel_column_beside_channel_siblings_under_an_old_parent_word_is_a_channel() {
    let dir = tempfile::tempdir().expect("tmp");
    let lead = "序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体";
    let body = format!("1,最低生活保障,低保对象认定,认定条件,{BASIS},{DEADLINE},乐昌镇人民政府");
    let sub = format!(
        "{},政府网站,村务公开栏,村村响,微信群,全社会,特定群众,主动,依申请公开",
        ",".repeat(6)
    );
    for parents in [
        "公开方式,,,",
        "公开方式,公开方式,公开方式,公开方式",
        "公开形式,,,",
        "公开形式,公开形式,公开形式,公开形式",
    ] {
        let text = format!(
            "乐昌镇社会救助领域基层政务公开标准目录\n\
             {lead},{parents},公开对象,,公开属性,\n{sub}\n{body},√,√,,√,√,,√,\n"
        );
        let (cats, diags) = read_checked(&csv_draft(dir.path(), "乐昌镇.csv", &text));
        assert!(diags.is_empty(), "{parents}: {:?}", codes(&diags));
        let got: Vec<String> = items(&cats)
            .into_iter()
            .map(|(_, i)| {
                format!(
                    "{} {:?} {:?}|{}",
                    gkml::model::ChannelList(&i.channels),
                    i.audience,
                    i.mode,
                    i.remarks
                )
            })
            .collect();
        assert_eq!(
            got,
            ["政府网站、社区/企事业单位/村公示栏（电子屏）、其他（微信群） [Public] [Active]|"],
            "{parents}"
        );
    }
    // 公开方式 over modes: 微信群 beside 主动 | 依申请公开 is no channel.
    let text = format!(
        "乐昌镇社会救助领域基层政务公开标准目录\n\
         {lead},公开渠道,公开对象,,公开方式,,\n\
         {},,全社会,特定群众,主动,依申请公开,微信群\n\
         {body},政府网站,√,,√,,√\n",
        ",".repeat(6)
    );
    let (cats, diags) = read_checked(&csv_draft(dir.path(), "模式.csv", &text));
    assert_eq!(codes(&diags), ["GK009@M3"]);
    assert_eq!(items(&cats)[0].1.remarks, "微信群：√");
}

/// The columns clerks add beside the template's — 公开时长, 保存期限, 网站栏目, 所属栏目,
/// 发布栏目, 咨询电话, 联系电话, 更新时间, 备注说明 beside 备注 — go to 备注 as `列名：值`
/// without a warning: they are known, and the text is kept. An office's landline is public.
#[test]
fn columns_clerks_add_go_to_remarks_without_a_warning() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = format!(
        "乐昌镇社会救助领域基层政务公开标准目录\n\
         序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,公开对象,公开方式,公开时长,保存期限,网站栏目,所属栏目,发布栏目,咨询电话,联系电话,更新时间,备注,备注说明\n\
         1,最低生活保障,低保对象认定,认定条件,{BASIS},{DEADLINE},乐昌镇人民政府,政府网站,全社会,主动,长期,5年,信息公开>社会救助,社会救助,政务公开,0751-6321234,12345,2024-01-01,按月更新,见附件\n\
         ,,低保金发放,发放标准,{BASIS},{DEADLINE},乐昌镇人民政府,政府网站,全社会,主动,,,,,,,,,,\n"
    );
    let (cats, diags) = read_checked(&csv_draft(dir.path(), "乐昌镇.csv", &text));
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    let remarks: Vec<&str> = items(&cats)
        .into_iter()
        .map(|(_, i)| i.remarks.as_str())
        .collect();
    assert_eq!(
        remarks,
        [
            "按月更新；公开时长：长期；保存期限：5年；网站栏目：信息公开>社会救助；所属栏目：社会救助；发布栏目：政务公开；咨询电话：0751-6321234；联系电话：12345；更新时间：2024-01-01；备注说明：见附件",
            ""
        ]
    );
}

/// A 责任人 column names a person: its values still go to 备注 (nothing is dropped) and the
/// column is still reported (GK009), since 备注 is published. A mobile number in a 联系电话
/// column is the privacy error it is anywhere (GK605), reported at the 联系电话 cell, and
/// compile writes no outputs for the unit.
#[test]
fn a_person_column_is_reported_and_a_mobile_in_a_phone_column_is_a_privacy_error_at_its_cell() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = format!(
        "乐昌镇社会救助领域基层政务公开标准目录\n\
         序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,公开对象,公开方式,责任人,联系电话\n\
         1,最低生活保障,低保对象认定,认定条件,{BASIS},{DEADLINE},乐昌镇人民政府,政府网站,全社会,主动,张三,13912345678\n"
    );
    let path = csv_draft(dir.path(), "乐昌镇.csv", &text);
    let (cats, diags) = read_checked(&path);
    assert_eq!(codes(&diags), ["GK009@K2", "GK605@L3"]);
    assert!(diags[0].message.contains("责任人"), "{}", diags[0].message);
    assert_eq!(
        items(&cats)[0].1.remarks,
        "责任人：张三；联系电话：13912345678"
    );
    let out = tempfile::tempdir().expect("out");
    let o = compile(&path, out.path(), &["--quiet"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(!out.path().join("乐昌镇.csv").exists());
}

/// A town of a city without counties (中山's 三角镇, 2023) heads its level columns 市级 |
/// 镇（街）级 under 公开层级; a county-level city's town writes 市级 | 镇级 in one row. 市级 is
/// the level above the town, the template's 县级, not an unknown column (GK009). Where a 县级
/// column exists already (a district's 市级 | 区级 | 街道级), 市级 stays unknown.
#[test]
fn a_city_level_column_beside_town_levels_is_the_county_level() {
    let dir = tempfile::tempdir().expect("tmp");
    let lead = "序号,公开事项,,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,公开对象,,公开方式,,公开层级,";
    let row = |marks: &str| {
        format!("1,财政预决算,政府预算,一般公共预算收支预算表,{BASIS},本级人民代表大会或其常务委员会批准后20日内,三角镇人民政府,■政府网站,√,,√,,{marks}")
    };
    let text = format!(
        "三角镇财政预决算领域基层政务公开标准目录\n{lead}\n\
         ,一级事项,二级事项,,,,,,全社会,特定群众,主动,依申请公开,市级,镇(街)级\n{}\n",
        row("√,√")
    );
    let (cats, diags) = read_checked(&csv_draft(dir.path(), "中山.csv", &text));
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    assert_eq!(format!("{:?}", items(&cats)[0].1.levels), "[County, Town]");

    let text = format!(
        "三角镇财政预决算领域基层政务公开标准目录\n\
         序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,全社会,特定群众,主动,依申请公开,市级,镇级\n{}\n",
        row("√,√")
    );
    let (cats, diags) = read_checked(&csv_draft(dir.path(), "县级市.csv", &text));
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    assert_eq!(format!("{:?}", items(&cats)[0].1.levels), "[County, Town]");

    let text = format!(
        "三角镇财政预决算领域基层政务公开标准目录\n{lead},\n\
         ,一级事项,二级事项,,,,,,全社会,特定群众,主动,依申请公开,市级,区级,街道级\n{}\n",
        row("√,,√")
    );
    let (cats, diags) = read_checked(&csv_draft(dir.path(), "区.csv", &text));
    assert_eq!(codes(&diags), ["GK009@M3"]);
    assert_eq!(format!("{:?}", items(&cats)[0].1.levels), "[Town]");
}

/// 东阳's catalogues (2020) name the city in the level column and write the town level as
/// 镇街乡: 东阳市级 | 镇街乡 | 村 under 公开层级 are the 县级, 乡级 and 村级 columns; only the
/// province's own columns beside them (公开, 五公开) stay unknown and go to 备注.
#[test]
fn a_level_column_naming_the_city_and_one_for_towns_and_subdistricts_are_levels() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = format!(
        "（七）公共法律服务领域基层政务公开标准目录\n\
         序号,公开事项,,公开内容(要素),公开依据,公开时限,公开主体,公开渠道和载体,公开对象,,公开方式,,公开层级,,,五公开\n\
         ,一级事项,二级事项,,,,,,全社会,特定群众,主动,依申请公开,东阳市级,镇街乡,村,\n\
         1,法治宣传教育,法律知识普及服务,普法动态资讯,{BASIS},{DEADLINE},市司法局,■政府网站,√,,√,,√,√,,执行\n"
    );
    let (cats, diags) = read_checked(&csv_draft(dir.path(), "东阳.csv", &text));
    assert_eq!(codes(&diags), ["GK009@P3"]);
    let i = items(&cats)[0].1;
    assert_eq!(format!("{:?}", i.levels), "[County, Town]");
    assert_eq!(i.remarks, "五公开：执行");
}

/// A town's catalogue (廉江市车板镇) heads its domain column 相应领域 (others write 对应领域,
/// 涉及领域): it is the 领域 column, so the rows take their domain from it rather than the
/// column going to 备注 (GK009) and every item to 未分领域 (GK010).
#[test]
fn a_domain_column_in_other_words_names_each_rows_domain() {
    let dir = tempfile::tempdir().expect("tmp");
    for label in ["相应领域", "对应领域", "涉及领域"] {
        let text = format!(
            "车板镇基层政务公开标准目录\n\
             序号,{label},公开事项,,公开内容(要素),公开依据,公开时限,公开主体,公开渠道和载体,公开对象,,公开方式,,公开层级,\n\
             ,,一级事项,二级事项,,,,,,全社会,特定群众,主动,依申请公开,县级,\"镇\n级\"\n\
             1,城乡规划,规划编制,镇总体规划,规划批准文件、脱密后的文本及图纸,{BASIS},{DEADLINE},车板镇人民政府,■政府网站,√,,√,,,√\n\
             2,社会救助,低保,低保对象认定,认定条件,{BASIS},{DEADLINE},车板镇人民政府,■政府网站,√,,√,,,√\n"
        );
        let (cats, diags) = read_checked(&csv_draft(dir.path(), "车板镇.csv", &text));
        assert!(diags.is_empty(), "{label}: {:?}", codes(&diags));
        let got: Vec<String> = items(&cats)
            .into_iter()
            .map(|(d, i)| format!("{d}/{}|{}", i.name, i.remarks))
            .collect();
        // Sections come in the order of the pilot domains.
        assert_eq!(
            got,
            ["社会救助/低保对象认定|", "国土空间规划/镇总体规划|"],
            "{label}"
        );
    }
}

/// A town's published catalogue (凤屯镇, 2023) ticks `■单位/村委会公示栏(电子屏)`, the template's
/// 社区/企事业单位/村公示栏（电子屏） shortened: it is that channel, not two unknown ones (单位 and
/// 村委会公示栏(电子屏), GK205 twice on every row), beside 镇级 | 村级 level columns.
#[test]
fn the_notice_board_channel_shortened_as_published_is_the_notice_board() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = format!(
        "凤屯镇政府文件信息领域基层政务公开标准目录\n\
         序号,公开事项,,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,公开对象,,公开方式,,公开层级,\n\
         ,一级事项,二级事项,,,,,,全社会,特定群众,主动,依申请公开,镇级,村级\n\
         1,政府文件,政府文件,政府文件。,{BASIS},信息形成或变更之日起3个工作日内,镇人民政府,■政府网站 ■单位/村委会公示栏(电子屏),√,,√,,√,\n\
         2,概况信息,乡镇简介,乡镇行政区划,{BASIS},{DEADLINE},镇人民政府,政府网站、村委会公示栏,√,,√,,√,√\n"
    );
    let (cats, diags) = read_checked(&csv_draft(dir.path(), "凤屯镇.csv", &text));
    assert!(
        diags.iter().all(|d| d.code == "GK010"),
        "{:?}",
        codes(&diags)
    );
    let got: Vec<String> = items(&cats)
        .into_iter()
        .map(|(_, i)| format!("{} {:?}", gkml::model::ChannelList(&i.channels), i.levels))
        .collect();
    assert_eq!(
        got,
        [
            "政府网站、社区/企事业单位/村公示栏（电子屏） [Town]",
            "政府网站、社区/企事业单位/村公示栏（电子屏） [Town, Village]"
        ]
    );
}
