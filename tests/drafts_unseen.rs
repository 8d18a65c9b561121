//! Drafts never seen (issue 14): each symptom a clerk met on day one, as a small draft
//! written here, read back through the one pipeline. The draft styler (tests/styler.rs)
//! holds the same on thousands of random drafts; these name the cases.

mod common;

use common::*;
use gkml::model::{Catalogue, Channel, ChannelKind};

const BASIS: &str = "《中华人民共和国政府信息公开条例》（国务院令第711号）";

/// A full item row after the 序号 and 一级事项 cells.
fn row(name: &str) -> String {
    format!("{name},{name}的对象、标准和结果,{BASIS},信息形成或者变更之日起20个工作日内,乐昌镇人民政府,政府网站、两微一端,✓,,✓,")
}

const HEADER: &str = "序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,全社会,特定群众,主动,依申请公开";

#[test]
fn notes_blocks_and_signature_rows_anywhere_are_not_items() {
    let dir = tempfile::tempdir().expect("tmp");
    let merged_note = "注释：1.公开主体是指制作信息的行政机关；2.政府网站为第一平台。";
    let note_across = [merged_note; 12].join(",");
    let text = format!(
        "乐昌镇社会救助领域基层政务公开标准目录\r\n填报单位（盖章）：乐昌镇人民政府,,,,,,,,,填报日期：2020年12月1日\r\n{HEADER}\r\n1,最低生活保障,{}\r\n,,,,,,,,,,,\r\n说明：以下为特困人员供养事项\r\n2,特困人员救助供养,{}\r\n{note_across}\r\n1.公开渠道可多选。\r\n2.特定群众应写明对象。\r\n填报人：张三,,,联系电话：0715-6321234,,,审核人：李四,,,负责人：王五\r\n",
        row("低保对象认定"),
        row("特困人员认定"),
    );
    let (cats, diags) = read_checked(&csv_draft(dir.path(), "社会救助.csv", &text));
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    let got: Vec<(String, String)> = items(&cats)
        .into_iter()
        .map(|(s, i)| (s, i.name.clone()))
        .collect();
    assert_eq!(
        got,
        [
            ("社会救助".to_string(), "低保对象认定".to_string()),
            ("社会救助".to_string(), "特困人员认定".to_string())
        ]
    );
}

#[test]
fn a_title_naming_the_domain_sets_it_in_either_script() {
    let dir = tempfile::tempdir().expect("tmp");
    for (i, title) in [
        "东湖区社會救助領域基層政務公開標準目錄",
        "养老服务领域基层政务公开标准目录",
    ]
    .iter()
    .enumerate()
    {
        let text = format!("{title}\r\n{HEADER}\r\n1,事项,{}\r\n", row("名单公示"));
        let (cats, diags) = read_checked(&csv_draft(dir.path(), &format!("t{i}.csv"), &text));
        assert!(
            diags.iter().all(|d| d.code != "GK010"),
            "{title}: {:?}",
            codes(&diags)
        );
        let got = items(&cats);
        assert_eq!(got.len(), 1);
        assert_ne!(got[0].0, "未分领域", "{title}");
    }
}

#[test]
fn a_traditional_draft_reads_as_simplified_with_one_note() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = "序號,一級事項,二級事項,公開內容（要素）,公開依據,公開時限,公開主體,公開渠道和載體,全社會,特定群眾,主動,依申請公開\r\n\
                社會救助領域\r\n\
                1,最低生活保障,低保對象認定,認定條件、辦理程序,《社會救助暫行辦法》（國務院令第649號）,實時公開,東湖區民政局,√政府網站 √兩微一端 □公示欄,√,,√,\r\n\
                ,,低保資金發放,發放標準、發放金額,《社會救助暫行辦法》（國務院令第649號）,資訊形成或者變更之日起20個工作日內,東湖區民政局,政府網站、兩微一端,是,否,是,否\r\n";
    let (cats, diags) = read_checked(&csv_draft(dir.path(), "東湖區.csv", text));
    let notes: Vec<_> = diags.iter().filter(|d| d.code == "GK020").collect();
    assert_eq!(notes.len(), 1, "{:?}", codes(&diags));
    assert!(
        diags.iter().all(|d| d.code == "GK020"),
        "實時公開 and the rest read: {:?}",
        codes(&diags)
    );
    let got = items(&cats);
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].0, "社会救助");
    let i = got[0].1;
    assert_eq!(
        (i.category.as_str(), i.name.as_str(), i.deadline.as_str()),
        ("最低生活保障", "低保对象认定", "实时公开")
    );
    assert_eq!(
        i.channels,
        [
            Channel::Known(ChannelKind::Website),
            Channel::Known(ChannelKind::NewMedia)
        ]
    );
    assert_eq!(got[1].1.category, "最低生活保障");
    // compile writes Simplified.
    let out = tempfile::tempdir().expect("out");
    let o = compile(&dir.path().join("東湖區.csv"), out.path(), &["--quiet"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let written = std::fs::read_to_string(out.path().join("东湖区.csv"))
        .or_else(|_| std::fs::read_to_string(out.path().join("東湖區.csv")))
        .expect("compiled csv");
    assert!(written.contains("低保对象认定") && written.contains("实时公开"));
    assert!(!written.contains("認定") && !written.contains("公開"));
}

#[test]
fn a_simplified_draft_is_never_converted() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = format!(
        "乾县基层政务公开标准目录\r\n{HEADER}\r\n社会救助\r\n1,乾县救助,{}\r\n",
        row("乾陵街道低保公示")
    );
    let (cats, diags) = read_checked(&csv_draft(dir.path(), "乾县.csv", &text));
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    let got = items(&cats);
    assert_eq!(got[0].1.name, "乾陵街道低保公示");
    assert_eq!(got[0].1.category, "乾县救助");
    assert_eq!(cats[0].unit.name, "乾县");
}

#[test]
fn a_group_written_once_continues_below_even_when_seq_counts_rows() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = format!(
        "{HEADER}\r\n社会救助\r\n1,最低生活保障,{}\r\n2,,{}\r\n3,特困供养,{}\r\n4,,{}\r\n",
        row("低保对象认定"),
        row("低保资金发放"),
        row("特困人员认定"),
        row("特困资金发放"),
    );
    let (cats, diags) = read_checked(&csv_draft(dir.path(), "组.csv", &text));
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    let cats_of: Vec<&str> = items(&cats)
        .into_iter()
        .map(|(_, i)| i.category.as_str())
        .collect();
    assert_eq!(
        cats_of,
        ["最低生活保障", "最低生活保障", "特困供养", "特困供养"]
    );
    // A 一级事项 on a row of its own heads the rows below it.
    let text = format!(
        "{HEADER}\r\n社会救助\r\n,最低生活保障\r\n1,,{}\r\n,特困供养\r\n2,,{}\r\n",
        row("低保对象认定"),
        row("特困人员认定"),
    );
    let (cats, diags) = read_checked(&csv_draft(dir.path(), "标题行.csv", &text));
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    let cats_of: Vec<&str> = items(&cats)
        .into_iter()
        .map(|(_, i)| i.category.as_str())
        .collect();
    assert_eq!(cats_of, ["最低生活保障", "特困供养"]);
    // A blank 一级事项 with nothing above is still reported.
    let text = format!("{HEADER}\r\n社会救助\r\n1,,{}\r\n", row("低保对象认定"));
    let (_, diags) = read_checked(&csv_draft(dir.path(), "空.csv", &text));
    assert_eq!(codes(&diags), ["GK109@B3"]);
}

#[test]
fn channel_sub_columns_under_a_merged_parent_and_one_column_words() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = format!(
        "序号,公开事项,,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,,,,公开对象,公开方式,公开层级\r\n\
         ,一级事项,二级事项,,,,,政府网站,两微一端,公示栏,其他,,,\r\n\
         一、社会救助领域\r\n\
         1,最低生活保障,低保对象认定,认定条件,{BASIS},20个工作日内,乐昌镇人民政府,✔,☐,●,基层公共服务平台,全社会,主动,乡级\r\n\
         2,特困供养,特困人员认定,认定条件,{BASIS},及时公开,乐昌镇人民政府,是,是,否,,全社会,主动公开,县级、乡级\r\n"
    );
    let (cats, diags) = read_checked(&csv_draft(dir.path(), "渠道.csv", &text));
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    let got = items(&cats);
    assert_eq!(
        got[0].1.channels,
        [
            Channel::Known(ChannelKind::Website),
            Channel::Known(ChannelKind::NoticeBoard),
            Channel::Other(Some("基层公共服务平台".into()))
        ]
    );
    assert_eq!(
        got[1].1.channels,
        [
            Channel::Known(ChannelKind::Website),
            Channel::Known(ChannelKind::NewMedia)
        ]
    );
    assert_eq!(got[1].1.levels.len(), 2);
    assert_eq!(got[0].0, "社会救助");
}

#[test]
fn section_rows_with_numbering_set_the_domain() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = format!(
        "{HEADER}\r\n一、义务教育领域\r\n1,招生,{}\r\n（二）养老服务\r\n1,养老机构,{}\r\n3.扶贫领域\r\n1,扶贫项目,{}\r\n",
        row("招生计划"),
        row("养老机构名录"),
        row("扶贫项目公示"),
    );
    let (cats, diags) = read_checked(&csv_draft(dir.path(), "分节.csv", &text));
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    let sections: Vec<String> = items(&cats).into_iter().map(|(s, _)| s).collect();
    assert_eq!(sections, ["义务教育", "养老服务", "扶贫"]);
}

#[test]
fn a_traditional_workbook_is_noted_once_not_per_sheet() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("東湖區.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (sheet, name) in [("社會救助", "低保對象認定"), ("養老服務", "養老機構名錄")]
    {
        let ws = wb.add_worksheet();
        ws.set_name(sheet).expect("name");
        let header = "序號,一級事項,二級事項,公開內容（要素）,公開依據,公開時限,公開主體,公開渠道和載體,全社會,特定群眾,主動,依申請公開";
        let cells = [
            "1",
            "事項",
            name,
            "名單",
            BASIS,
            "實時公開",
            "東湖區民政局",
            "政府網站",
            "√",
            "",
            "√",
            "",
        ];
        for (c, h) in header.split(',').enumerate() {
            ws.write_string(0, c as u16, h).expect("cell");
            ws.write_string(1, c as u16, cells[c]).expect("cell");
        }
    }
    wb.save(&path).expect("save");
    let (cats, diags) = read_checked(&path);
    assert_eq!(codes(&diags), ["GK020@A1"]);
    let sections: Vec<String> = items(&cats).into_iter().map(|(s, _)| s).collect();
    assert_eq!(sections, ["社会救助", "养老服务"]);
}

/// Excel's and WPS's "Unicode 文本" export: a `.txt` in UTF-16LE with a BOM, tab-separated,
/// CRLF. The delimiter is read from the text; a comma-separated GBK `.txt` reads too. Both
/// give exactly the rows written.
#[test]
fn a_unicode_text_export_and_a_comma_txt_read_like_the_csv() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = format!(
        "社会救助领域\r\n{HEADER}\r\n1,最低生活保障,{}\r\n2,特困人员救助供养,{}\r\n",
        row("低保对象认定"),
        row("特困人员认定"),
    );
    let utf16 = dir.path().join("乐昌镇.txt");
    let tabbed = text.replace(',', "\t");
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(tabbed.encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(&utf16, bytes).expect("write");
    let gbk = dir.path().join("乐昌镇_逗号.txt");
    // GBK has no ✓: WPS writes √ there.
    let wps = text.replace('✓', "√");
    let (encoded, _, unmappable) = encoding_rs::GBK.encode(&wps);
    assert!(!unmappable);
    std::fs::write(&gbk, &encoded).expect("write");
    for p in [&utf16, &gbk] {
        let (cats, diags) = read_checked(p);
        assert!(diags.is_empty(), "{}: {:?}", p.display(), codes(&diags));
        let got: Vec<String> = items(&cats).iter().map(|(_, i)| i.name.clone()).collect();
        assert_eq!(got, ["低保对象认定", "特困人员认定"], "{}", p.display());
        let first = &items(&cats)[0].1;
        assert_eq!(first.subject, "乐昌镇人民政府", "{}", p.display());
    }
}

/// A folder's `.txt` files are notes more often than tables: `validate DIR` passes them
/// over, while a `.txt` named on the command line is read.
#[test]
fn a_folder_walk_leaves_txt_notes_alone_but_a_named_txt_is_read() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("填报说明.txt"), "请于12月底前报送。\n").expect("write");
    let walked = gkml::read::walk(dir.path());
    assert!(walked.is_empty(), "{walked:?}");
    let out = gkml(&[
        "validate",
        &dir.path().join("填报说明.txt").to_string_lossy(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a named .txt is read (and here has no table)"
    );
}

/// Header wordings of published catalogues beyond the template's: qualifiers in brackets
/// (公开时限（工作日）, 公开对象（全社会/特定群众）), other words for a column (事项类别,
/// 具体事项, 法律法规依据, 责任单位, 公开渠道及方式, 适用层级), in one header row or under
/// qualified parents of a two-row header. Every column lands in its field; none goes to 备注.
#[test]
fn header_wordings_with_qualifiers_and_synonyms_fill_the_right_fields() {
    let dir = tempfile::tempdir().expect("tmp");
    let one_row = "义务教育领域\n序号,事项类别,具体事项,公开内容（要素）,法律法规依据,公开时限（工作日）,责任单位,公开渠道及方式,公开对象（全社会/特定群众）,公开方式（主动/依申请）,适用层级,备注（说明）\n1,招生入学,学校招生信息,招生范围、招生计划,《中华人民共和国义务教育法》,信息形成之日起20个工作日内,乐昌镇中心学校,政府网站、公示栏,全社会,主动,乡级,无\n";
    let two_rows = "义务教育领域\n序号,公开事项,,公开内容（要素）,公开依据,公开时限,公开主体（责任单位）,公开渠道和载体（政府网站/公示栏等）,公开对象（全社会/特定群众）,,公开方式（主动/依申请）,,公开层级（县级/乡级）,\n,一级事项,二级事项,,,,,,全社会,特定群众,主动,依申请,县级,乡级\n1,招生入学,学校招生信息,招生范围、招生计划,《中华人民共和国义务教育法》,信息形成之日起20个工作日内,乐昌镇中心学校,政府网站、公示栏,√,,√,,,√\n";
    for (name, text) in [("一行表头.csv", one_row), ("两行表头.csv", two_rows)] {
        let (cats, diags) = read_checked(&csv_draft(dir.path(), name, text));
        assert!(diags.is_empty(), "{name}: {:?}", codes(&diags));
        let all = items(&cats);
        assert_eq!(all.len(), 1, "{name}");
        let (section, i) = &all[0];
        assert_eq!(section, "义务教育", "{name}");
        assert_eq!(
            (
                i.category.as_str(),
                i.name.as_str(),
                i.content.as_str(),
                i.basis.as_str(),
                i.deadline.as_str(),
                i.subject.as_str()
            ),
            (
                "招生入学",
                "学校招生信息",
                "招生范围、招生计划",
                "《中华人民共和国义务教育法》",
                "信息形成之日起20个工作日内",
                "乐昌镇中心学校"
            ),
            "{name}"
        );
        assert_eq!(i.channels.len(), 2, "{name}: {:?}", i.channels);
        assert_eq!(format!("{:?}", i.audience), "[Public]", "{name}");
        assert_eq!(format!("{:?}", i.mode), "[Active]", "{name}");
        assert_eq!(format!("{:?}", i.levels), "[Town]", "{name}");
    }
}

/// A table with no 一级事项 column at all gets one GK109 for the table, at its first item,
/// not one per row; a blank 一级事项 cell in a table that has the column stays per row.
#[test]
fn a_missing_category_column_is_reported_once_per_table_not_per_row() {
    let dir = tempfile::tempdir().expect("tmp");
    let header = HEADER.replace("一级事项,", "");
    let rows: Vec<String> = (1..=4)
        .map(|n| format!("{n},{}", row(&format!("事项{n}"))))
        .collect();
    let text = format!(
        "乐昌镇社会救助领域基层政务公开标准目录\r\n{header}\r\n{}\r\n",
        rows.join("\r\n")
    );
    let (cats, diags) = read_checked(&csv_draft(dir.path(), "无一级事项.csv", &text));
    assert_eq!(items(&cats).len(), 4);
    assert_eq!(codes(&diags), ["GK109@A3"]);
    assert_eq!(
        diags[0].message,
        "表中没有“一级事项”列，各事项都未归入一级事项"
    );

    // The column is there but the first row leaves it blank: that row's own cell is named.
    let text = format!(
        "乐昌镇社会救助领域基层政务公开标准目录\r\n{HEADER}\r\n1,,{}\r\n2,临时救助,{}\r\n",
        row("事项1"),
        row("事项2"),
    );
    let (_, diags) = read_checked(&csv_draft(dir.path(), "空一级事项.csv", &text));
    assert_eq!(codes(&diags), ["GK109@B3"]);
}

/// Several numbered tables stacked in one sheet, each under its own title ("一、社会救助领域
/// …目录", "二、养老服务领域…目录") and header: each title sets the domain of the rows below it,
/// the numbering is not taken for the unit, and a note that only mentions a domain does not
/// start a section.
#[test]
fn tables_stacked_under_numbered_titles_take_each_title_s_domain() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = format!(
        "一、社会救助领域基层政务公开标准目录\r\n{HEADER}\r\n1,最低生活保障,{}\r\n\
         注：社会救助事项的公开时限按有关规定执行。\r\n\r\n\
         二、养老服务领域基层政务公开标准目录（2020年版）\r\n{HEADER}\r\n1,高龄津贴,{}\r\n",
        row("低保对象认定"),
        row("高龄津贴发放"),
    );
    let (cats, diags) = read_checked(&csv_draft(dir.path(), "新街镇.csv", &text));
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    assert_eq!(cats.len(), 1);
    assert_eq!(cats[0].unit.name, "新街镇");
    let got: Vec<(String, String)> = items(&cats)
        .into_iter()
        .map(|(s, i)| (s, i.name.clone()))
        .collect();
    assert_eq!(
        got,
        [
            ("社会救助".to_string(), "低保对象认定".to_string()),
            ("养老服务".to_string(), "高龄津贴发放".to_string())
        ]
    );
}

/// A draft whose 一级事项 and 二级事项 carry the clerk's outline numbering ("一、政策文件",
/// "（一）…", "1.…", "2、…", "①…"): the names are read without it, so the compiled table
/// does not print 序号 1 beside "一、", the merged group stays one group, and a name that
/// only starts with a numeral (一事一议, 12345热线) keeps it.
#[test]
fn outline_numbering_before_item_names_is_not_part_of_the_name() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = format!(
        "乐昌镇社会救助领域基层政务公开标准目录\r\n{HEADER}\r\n\
         1,一、政策文件,{}\r\n2,,{}\r\n3,二、办事服务,{}\r\n4,,{}\r\n5,三、其他,{}\r\n6,,{}\r\n",
        row("（一）最低生活保障政策"),
        row("（二）特困人员救助供养政策"),
        row("1.低保申请"),
        row("2、临时救助申请"),
        row("①一事一议财政奖补"),
        row("12345热线办理"),
    );
    let (cats, diags) = read_checked(&csv_draft(dir.path(), "编号.csv", &text));
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    let got: Vec<(String, String)> = items(&cats)
        .into_iter()
        .map(|(_, i)| (i.category.clone(), i.name.clone()))
        .collect();
    let want = [
        ("政策文件", "最低生活保障政策"),
        ("政策文件", "特困人员救助供养政策"),
        ("办事服务", "低保申请"),
        ("办事服务", "临时救助申请"),
        ("其他", "一事一议财政奖补"),
        ("其他", "12345热线办理"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(c, n)| (c.to_string(), n.to_string()))
        .collect();
    assert_eq!(got, want);
}

/// Header wordings of platform exports and county templates: 公开期限 for 公开时限, 公开范围
/// for 公开对象, 公开形式 for 公开方式, levels written 县乡两级; and a second column naming a
/// field already named (公开时限 then 公开期限) goes to 备注 with GK009 instead of silently
/// overwriting the first, blank cells included.
#[test]
fn export_header_wordings_read_and_a_second_column_for_a_field_goes_to_remarks() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = format!(
        "乐昌镇社会救助领域基层政务公开标准目录\r\n序号,事项类别,公开事项名称,公开要素,法律法规依据,公开期限,责任主体,公开载体,公开范围,公开形式,公开层级\r\n\
         1,最低生活保障,低保对象认定,申请条件,{BASIS},信息形成或者变更之日起20个工作日内,乐昌镇人民政府,政府网站/公示栏,全社会,主动,县乡两级\r\n"
    );
    let (cats, diags) = read_checked(&csv_draft(dir.path(), "社会救助.csv", &text));
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    let it = items(&cats)[0].1;
    assert_eq!(it.deadline, "信息形成或者变更之日起20个工作日内");
    assert_eq!(it.levels.len(), 2);
    assert_eq!(it.channels.len(), 2);

    let text = format!(
        "乐昌镇社会救助领域基层政务公开标准目录\r\n序号,一级事项,二级事项,公开内容,公开依据,公开时限,公开期限,公开主体,公开渠道,公开对象,公开方式\r\n\
         1,最低生活保障,低保对象认定,条件,{BASIS},信息形成或者变更之日起20个工作日内,长期,乐昌镇人民政府,政府网站,全社会,主动\r\n\
         2,最低生活保障,低保金发放,对象,{BASIS},信息形成或者变更之日起20个工作日内,,乐昌镇人民政府,政府网站,全社会,主动\r\n"
    );
    let (cats, diags) = read_checked(&csv_draft(dir.path(), "社会救助2.csv", &text));
    assert_eq!(codes(&diags), ["GK009@G2"]);
    let got: Vec<(String, String)> = items(&cats)
        .into_iter()
        .map(|(_, i)| (i.deadline.clone(), i.remarks.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "信息形成或者变更之日起20个工作日内".to_string(),
                "公开期限：长期".to_string()
            ),
            (
                "信息形成或者变更之日起20个工作日内".to_string(),
                String::new()
            )
        ]
    );
}

/// A draft with no title row and no 单位 column, saved under the name of the notice's
/// attachment: the unit is read from the file name as from a title (附件 label and catalogue
/// words dropped), so the outputs are 乐昌镇.xlsx …, not 附件2：….xlsx.
#[test]
fn the_unit_of_an_untitled_draft_is_read_from_its_attachment_file_name() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = format!(
        "领域,{HEADER}\r\n社会救助,1,最低生活保障,{}\r\n",
        row("低保对象认定")
    );
    let (cats, diags) = read_checked(&csv_draft(
        dir.path(),
        "附件2：曲沃县乐昌镇人民政府基层政务公开标准目录（2024年修订）.csv",
        &text,
    ));
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    assert_eq!(cats[0].unit.name, "乐昌镇");
    let (cats, _) = read_checked(&csv_draft(dir.path(), "乐昌镇_定稿.csv", &text));
    assert_eq!(cats[0].unit.name, "乐昌镇_定稿");
}

/// A cell whose lines end in CR LF (text pasted from Word into Excel, or a CSV written on
/// Windows with breaks inside quotes) reads as lines with nothing to report: the difference
/// from Excel's own line break is invisible. Stray spaces in the same cell are still reported.
#[test]
fn windows_line_ends_inside_a_cell_are_line_breaks_not_stray_whitespace() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = format!(
        "乐昌镇社会救助领域基层政务公开标准目录\r\n{HEADER}\r\n\
         1,最低生活保障,低保对象认定,\"申请条件\r\n办理流程\",{BASIS},信息形成或者变更之日起20个工作日内,乐昌镇人民政府,政府网站,✓,,✓,\r\n\
         2,最低生活保障,低保金发放,\"发放对象 \r\n结果\",{BASIS},信息形成或者变更之日起20个工作日内,乐昌镇人民政府,政府网站,✓,,✓,\r\n"
    );
    let (cats, diags) = read_checked(&csv_draft(dir.path(), "社会救助.csv", &text));
    assert_eq!(codes(&diags), ["GK602@D4"]);
    let contents: Vec<String> = items(&cats)
        .into_iter()
        .map(|(_, i)| i.content.clone())
        .collect();
    assert_eq!(contents, ["申请条件\n办理流程", "发放对象\n结果"]);
}

/// A two-row header whose 公开渠道和载体 parent spans a column for a local channel the template
/// does not list (微信群; 村村响 was the example until it read as 广播电视): its marks are that
/// channel, written as the template writes local ones (其他（微信群）), not an unknown column
/// folded into 备注.
#[test]
fn a_local_channel_column_under_the_channels_parent_is_a_channel() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = format!(
        "乐昌镇社会救助领域基层政务公开标准目录\r\n\
         序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,,,公开对象,,公开方式,\r\n\
         ,,,,,,,政府网站,微信群,其他,全社会,特定群众,主动,依申请公开\r\n\
         1,最低生活保障,低保对象认定,条件,{BASIS},信息形成或者变更之日起20个工作日内,乐昌镇人民政府,√,√,,√,,√,\r\n\
         2,最低生活保障,低保金发放,对象,{BASIS},信息形成或者变更之日起20个工作日内,乐昌镇人民政府,√,□,,√,,√,\r\n"
    );
    let (cats, diags) = read_checked(&csv_draft(dir.path(), "社会救助.csv", &text));
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    let got: Vec<(Vec<Channel>, String)> = items(&cats)
        .into_iter()
        .map(|(_, i)| (i.channels.clone(), i.remarks.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (
                vec![
                    Channel::Known(ChannelKind::Website),
                    Channel::Other(Some("微信群".into()))
                ],
                String::new()
            ),
            (vec![Channel::Known(ChannelKind::Website)], String::new())
        ]
    );
}

/// Checkboxes made as Excel and WPS users make them: R (ticked) and £ (empty) in a cell set in
/// Wingdings 2, þ and ¨ in Wingdings, Ö in Symbol (a √), or typed in a rich-text channel cell
/// with only the box letters in Wingdings 2 (or the √ in Symbol). They read as marks; an R in
/// an ordinary cell stays a letter.
#[test]
fn checkbox_letters_in_a_symbol_font_cell_are_marks() {
    use rust_xlsxwriter::{Format, Workbook};
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("社会救助.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let w2 = Format::new().set_font_name("Wingdings 2");
    let w1 = Format::new().set_font_name("Wingdings");
    let sym = Format::new().set_font_name("Symbol");
    ws.write(0, 0, "乐昌镇社会救助领域基层政务公开标准目录")
        .expect("write");
    for (c, h) in HEADER.split(',').enumerate() {
        ws.write(1, c as u16, h).expect("write");
    }
    let rows: [(&str, &Format, [&str; 4]); 3] = [
        ("低保对象认定", &w2, ["R", "£", "R", "£"]),
        ("低保金发放", &w1, ["þ", "¨", "¨", "þ"]),
        ("临时救助审批", &sym, ["", "Ö", "Ö", ""]),
    ];
    for (r, (name, font, marks)) in rows.iter().enumerate() {
        let r = r as u32 + 2;
        let cells = [
            "1",
            "最低生活保障",
            name,
            "条件",
            BASIS,
            "信息形成或者变更之日起20个工作日内",
            "乐昌镇人民政府",
            "政府网站",
        ];
        for (c, v) in cells.iter().enumerate() {
            ws.write(r, c as u16, *v).expect("write");
        }
        for (k, m) in marks.iter().enumerate() {
            ws.write_with_format(r, 8 + k as u16, *m, font)
                .expect("write");
        }
    }
    // A channel cell typed as rich text: R and £ in Wingdings 2 before each channel.
    let plain = Format::new();
    ws.write_rich_string(
        2,
        7,
        &[
            (&w2, "R"),
            (&plain, "政府网站 "),
            (&w2, "£"),
            (&plain, "两微一端 "),
            (&w2, "R"),
            (&plain, "公示栏"),
        ],
    )
    .expect("rich");
    // The √ of the Symbol font before a channel, typed as Ö with only that letter in Symbol.
    ws.write_rich_string(4, 7, &[(&sym, "Ö"), (&plain, "政府网站 □两微一端")])
        .expect("rich");
    ws.write(5, 2, "R码申领").expect("write");
    wb.save(&path).expect("save");
    let (cats, diags) = read_checked(&path);
    let got: Vec<String> = items(&cats)
        .into_iter()
        .map(|(_, i)| format!("{} {:?} {:?}", i.name, i.audience, i.mode))
        .collect();
    assert_eq!(
        got[..3],
        [
            "低保对象认定 [Public] [Active]".to_string(),
            "低保金发放 [Public] [OnRequest]".to_string(),
            "临时救助审批 [Specific(None)] [Active]".to_string()
        ]
    );
    assert_eq!(items(&cats)[3].1.name, "R码申领");
    assert_eq!(
        items(&cats)[2].1.channels,
        [Channel::Known(ChannelKind::Website)]
    );
    assert_eq!(
        items(&cats)[0].1.channels,
        [
            Channel::Known(ChannelKind::Website),
            Channel::Known(ChannelKind::NoticeBoard)
        ]
    );
    assert!(
        !codes(&diags).iter().any(|c| c.starts_with("GK209")),
        "{:?}",
        codes(&diags)
    );
}

/// Marks and channels as real drafts write them outside the template's ✓: ●/○ as 是/否 (○
/// empty beside ●), 有/无, a checkbox list of ● and ○, and channels named with the place
/// that runs them (乡镇政务服务大厅, 镇政府网站, 村级公示栏). Read as the template's values,
/// with nothing to report; ○ alone in a row is still a mark.
#[test]
fn dots_words_and_placed_channel_names_read_as_the_template_values() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = csv_draft(
        dir.path(),
        "乐昌镇.csv",
        &format!(
            "乐昌镇社会救助领域基层政务公开标准目录\n{HEADER}\n\
             1,最低生活保障,低保审核确认,条件,{BASIS},信息形成或者变更之日起20个工作日内,乐昌镇人民政府,●政府网站 ○两微一端 ●村级公示栏,●,○,●,○\n\
             2,最低生活保障,低保金发放,标准,{BASIS},信息形成或者变更之日起20个工作日内,乐昌镇人民政府,镇政府网站、乡镇政务服务大厅,有,无,有,无\n\
             3,最低生活保障,低保对象名单,名单,{BASIS},信息形成或者变更之日起20个工作日内,乐昌镇人民政府,政府网站,○,,○,\n"
        ),
    );
    let (cats, diags) = read_checked(&path);
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    let got: Vec<String> = items(&cats)
        .into_iter()
        .map(|(_, i)| format!("{} {:?} {:?} {:?}", i.name, i.audience, i.mode, i.channels))
        .collect();
    let website = Channel::Known(ChannelKind::Website);
    assert_eq!(
        got,
        [
            format!(
                "低保审核确认 [Public] [Active] {:?}",
                [website.clone(), Channel::Known(ChannelKind::NoticeBoard)]
            ),
            format!(
                "低保金发放 [Public] [Active] {:?}",
                [website.clone(), Channel::Known(ChannelKind::ServiceCentre)]
            ),
            format!("低保对象名单 [Public] [Active] {:?}", [website]),
        ]
    );
}

/// "同上" (ditto) in a basis, time limit, subject or channel cell is the text of the item row
/// above, as the clerk meant: the items carry it, nothing is reported, and a 同上 with no row
/// above it is an empty basis (GK103).
#[test]
fn ditto_cells_take_the_text_of_the_row_above() {
    let dir = tempfile::tempdir().expect("tmp");
    let other = "《社会救助暂行办法》（国务院令第649号）";
    let path = csv_draft(
        dir.path(),
        "乐昌镇.csv",
        &format!(
            "乐昌镇社会救助领域基层政务公开标准目录\n{HEADER}\n\
             1,最低生活保障,低保审核确认,条件,同上,信息形成或者变更之日起20个工作日内,乐昌镇人民政府,政府网站,✓,,✓,\n\
             2,最低生活保障,低保金发放,标准,{other},同上,同上。,\"政府网站、两微一端\",✓,,✓,\n\
             3,最低生活保障,低保对象名单,名单,同上,同上,同 上,同上,✓,,✓,\n"
        ),
    );
    let (cats, diags) = read_checked(&path);
    assert_eq!(codes(&diags), ["GK103@E3"]);
    let items = items(&cats);
    let last = items[2].1;
    assert_eq!(last.basis, other);
    assert_eq!(last.deadline, "信息形成或者变更之日起20个工作日内");
    assert_eq!(last.subject, "乐昌镇人民政府");
    assert_eq!(
        last.channels,
        [
            Channel::Known(ChannelKind::Website),
            Channel::Known(ChannelKind::NewMedia)
        ]
    );
    assert_eq!(items[1].1.deadline, "信息形成或者变更之日起20个工作日内");
}

/// Header wordings and cell endings met in real drafts (probe 7a): 公开途径 and 公开方式（渠道）
/// are the channels, 时限要求 the time limit, 公开属性 and a `主动公开/依申请公开` label the
/// mode; a word cell ending in 。, a channel list closed with 等, joined with 及/和, quoted,
/// numbered, or a name with a bracketed qualifier; a limit in months or weeks. None of it
/// is an error; a month is judged against Art. 26 like any other limit.
#[test]
fn real_header_wordings_and_cell_endings_read_as_meant() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = csv_draft(
        dir.path(),
        "乐昌镇.csv",
        &format!(
            "乐昌镇社会救助领域基层政务公开标准目录\n\
             序号,事项类别,具体事项,公开要素,法律依据,时限要求,责任单位,公开途径,全社会/特定群众,主动公开/依申请公开,公开层级\n\
             1,最低生活保障,低保审核确认,条件,{BASIS},一个月内,乐昌镇人民政府,\"政府网站、政务新媒体、公开栏等\",全社会。,主动公开。,乡镇。\n\
             2,最低生活保障,低保金发放,标准,{BASIS},一周内,乐昌镇人民政府,政府网站及村务公开栏,社会公众,主动,乡级\n\
             3,最低生活保障,低保对象名单,名单,{BASIS},20个工作日内,乐昌镇人民政府,\"“政府网站”、“两微一端”\",全社会,主动,乡级\n\
             4,最低生活保障,低保政策,文件,{BASIS},20个工作日内,乐昌镇人民政府,1.政府网站（www.lc.gov.cn） 2.镇村公开栏,全社会,主动,乡级\n"
        ),
    );
    let (cats, diags) = read_checked(&path);
    // A month is read (30 days, more than Art. 26's 20 working days), not "no time" (GK401).
    assert_eq!(codes(&diags), ["GK402@F3"]);
    let web = Channel::Known(ChannelKind::Website);
    let board = Channel::Known(ChannelKind::NoticeBoard);
    let got: Vec<(String, Vec<Channel>)> = items(&cats)
        .into_iter()
        .map(|(_, i)| (i.deadline.clone(), i.channels.clone()))
        .collect();
    assert_eq!(
        got[0].1,
        [
            web.clone(),
            Channel::Known(ChannelKind::NewMedia),
            board.clone()
        ]
    );
    assert_eq!(got[1].1, [web.clone(), board.clone()]);
    assert_eq!(
        got[2].1,
        [web.clone(), Channel::Known(ChannelKind::NewMedia)]
    );
    assert_eq!(got[3].1, [web, board]);
    assert_eq!(got[0].0, "一个月内");
    // 公开方式（渠道）: the old word for the channels, said so by its qualifier.
    let path = csv_draft(
        dir.path(),
        "乐昌镇2.csv",
        &format!(
            "乐昌镇社会救助领域基层政务公开标准目录\n\
             序号,一级事项,二级事项,公开内容,公开依据,公开时限,公开主体,公开方式（渠道）,公开对象,公开属性\n\
             1,最低生活保障,低保审核确认,条件,{BASIS},20个工作日内,乐昌镇人民政府,政府网站,全社会,主动\n"
        ),
    );
    let (cats, diags) = read_checked(&path);
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    assert_eq!(items(&cats).len(), 1);
}

/// A group heading numbered in the 序号 column (`一,最低生活保障,,…`) heads the group below as
/// the 一级事项 alone would, and a numbered section row (`（二）,养老服务领域,,…`) sets the
/// section: neither is an item missing all its elements.
#[test]
fn numbered_heading_and_section_rows_are_not_items() {
    let dir = tempfile::tempdir().expect("tmp");
    let blanks = ",".repeat(10);
    let path = csv_draft(
        dir.path(),
        "乐昌镇.csv",
        &format!(
            "乐昌镇社会救助领域基层政务公开标准目录\n{HEADER}\n\
             一,最低生活保障{blanks}\n\
             1,,{}\n\
             2,,{}\n\
             （二）,养老服务领域{blanks}\n\
             二,高龄津贴{blanks}\n\
             1,,{}\n",
            row("低保对象认定"),
            row("低保金发放"),
            row("高龄津贴发放"),
        ),
    );
    let (cats, diags) = read_checked(&path);
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    let got: Vec<String> = items(&cats)
        .into_iter()
        .map(|(s, i)| format!("{s}/{}/{}", i.category, i.name))
        .collect();
    assert_eq!(
        got,
        [
            "社会救助/最低生活保障/低保对象认定",
            "社会救助/最低生活保障/低保金发放",
            "养老服务/高龄津贴/高龄津贴发放"
        ]
    );
}

/// Under the 公开对象, 公开方式 and 公开层级 parents of a two-row header, the children may be
/// any word for those values (社会公众, 全社会公开, 县/乡/村): they are the mark columns, not
/// unknown columns, and no audience is missing.
#[test]
fn two_row_header_children_in_any_value_word_are_mark_columns() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = csv_draft(
        dir.path(),
        "乐昌镇.csv",
        &format!(
            "乐昌镇社会救助领域基层政务公开标准目录\n\
             序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,公开对象,,公开方式,,公开层级,,\n\
             ,,,,,,,,社会公众,特定群众公开,主动,依申请,县,乡,村\n\
             1,最低生活保障,低保审核确认,条件,{BASIS},信息形成或者变更之日起20个工作日内,乐昌镇人民政府,政府网站,√,,√,,,√,√\n"
        ),
    );
    let (cats, diags) = read_checked(&path);
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    let got: Vec<String> = items(&cats)
        .into_iter()
        .map(|(_, i)| format!("{:?} {:?} {:?}", i.audience, i.mode, i.levels))
        .collect();
    assert_eq!(got, ["[Public] [Active] [Town, Village]"]);
}

/// A mark column's own word typed into its cells (主动 under 主动, 社会公众 under 全社会, 乡镇
/// under 乡级) and a mark closed with 。 are plain marks, not unreadable ones (GK209); a
/// 特定群众 cell written out with its group names that group.
#[test]
fn a_mark_columns_own_word_is_a_mark() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = csv_draft(
        dir.path(),
        "乐昌镇.csv",
        &format!(
            "乐昌镇社会救助领域基层政务公开标准目录\n\
             序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,全社会,特定群众,主动,依申请公开,县级,乡级,村级\n\
             1,最低生活保障,低保审核确认,条件,{BASIS},信息形成或者变更之日起20个工作日内,乐昌镇人民政府,政府网站,社会公众,,主动,,,乡镇,村\n\
             2,最低生活保障,低保金发放,标准,{BASIS},信息形成或者变更之日起20个工作日内,乐昌镇人民政府,政府网站,√。,,主动公开。,,,√,\n\
             3,最低生活保障,低保对象名单,名单,{BASIS},信息形成或者变更之日起20个工作日内,乐昌镇人民政府,政府网站,,特定群众（低保对象）,,依申请,,√,\n"
        ),
    );
    let (cats, diags) = read_checked(&path);
    let codes = codes(&diags);
    assert!(!codes.iter().any(|c| c.starts_with("GK209")), "{codes:?}");
    let got: Vec<String> = items(&cats)
        .into_iter()
        .map(|(_, i)| format!("{:?} {:?} {:?}", i.audience, i.mode, i.levels))
        .collect();
    assert_eq!(
        got,
        [
            "[Public] [Active] [Town, Village]",
            "[Public] [Active] [Town]",
            "[Specific(Some(\"低保对象\"))] [OnRequest] [Town]"
        ]
    );
}

/// A 一级事项 heading row numbered in Chinese numerals (`一、最低生活保障`, `（二）特困人员救助供养`)
/// alone in its column heads the group below, its numbering dropped as in any 一级事项; it
/// was passed over as a note, leaving every item below without its group (GK109).
#[test]
fn a_heading_numbered_in_chinese_numerals_heads_its_group() {
    let dir = tempfile::tempdir().expect("tmp");
    let blanks = ",".repeat(10);
    let path = csv_draft(
        dir.path(),
        "乐昌镇.csv",
        &format!(
            "乐昌镇社会救助领域基层政务公开标准目录\n{HEADER}\n\
             ,一、最低生活保障{blanks}\n\
             1,,{}\n\
             ,（二）特困人员救助供养{blanks}\n\
             2,,{}\n\
             ,1.公开渠道可多选{blanks}\n",
            row("低保对象认定"),
            row("特困人员认定"),
        ),
    );
    let (cats, diags) = read_checked(&path);
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    let got: Vec<String> = items(&cats)
        .into_iter()
        .map(|(_, i)| format!("{}/{}", i.category, i.name))
        .collect();
    assert_eq!(
        got,
        ["最低生活保障/低保对象认定", "特困人员救助供养/特困人员认定"]
    );
}

/// An item named 其他… (其他政策文件) whose other cells are the words a header also uses
/// (全社会, 主动, 县级、乡级, 政府网站) is an item, not a repeated header — with its basis
/// given or missing (found by the 10,000-draft styler run: the row vanished).
#[test]
fn an_item_named_other_with_value_cells_is_not_a_header() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = csv_draft(
        dir.path(),
        "乐昌镇.csv",
        &format!(
            "乐昌镇救灾领域基层政务公开标准目录\n\
             序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,公开对象,公开方式,公开层级\n\
             1,政策文件,部门和地方规章,规章,{BASIS},信息形成或者变更之日起20个工作日内,乐昌镇人民政府,政府网站,全社会,主动,县级、乡级\n\
             ,,其他政策文件,其他文件,{BASIS},信息形成或者变更之日起20个工作日内,乐昌镇人民政府,政府网站,全社会,主动,县级、乡级\n\
             ,,其他规范性文件,其他文件,,信息形成或者变更之日起20个工作日内,乐昌镇人民政府,政府网站,全社会,主动,县级、乡级\n"
        ),
    );
    let (cats, diags) = read_checked(&path);
    let names: Vec<String> = items(&cats).iter().map(|(_, i)| i.name.clone()).collect();
    assert_eq!(names, ["部门和地方规章", "其他政策文件", "其他规范性文件"]);
    assert_eq!(codes(&diags), ["GK103@E5"]);
}

/// A three-row header whose lowest row names the audience in other words (社会公众) under
/// 公开对象 under 公开要求: 社会公众 is the 全社会 mark column, as it is in a two-row header.
#[test]
fn value_words_at_the_foot_of_a_three_row_header_are_mark_columns() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = csv_draft(
        dir.path(),
        "乐昌镇.csv",
        &format!(
            "乐昌镇社会救助领域基层政务公开标准目录\n\
             序号,公开事项,,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,公开要求,,,\n\
             ,一级事项,二级事项,,,,,,公开对象,,公开方式,\n\
             ,,,,,,,,社会公众,特定群众,主动,依申请\n\
             1,最低生活保障,低保审核确认,条件,{BASIS},信息形成或者变更之日起20个工作日内,乐昌镇人民政府,政府网站,√,,√,\n"
        ),
    );
    let (cats, diags) = read_checked(&path);
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    let got: Vec<String> = items(&cats)
        .iter()
        .map(|(_, i)| format!("{} {:?} {:?}", i.name, i.audience, i.mode))
        .collect();
    assert_eq!(got, ["低保审核确认 [Public] [Active]"]);
}

/// The mode or the channels of an item, as the tests below compare them.
fn mode_and_channels(cats: &[Catalogue]) -> Vec<String> {
    items(cats)
        .into_iter()
        .map(|(_, i)| {
            let ch = gkml::model::ChannelList(&i.channels);
            format!("{} {:?} {ch}", i.name, i.mode)
        })
        .collect()
}

/// Older catalogues write 公开方式, 公开形式, 公开属性, 公开类别 or 发布方式 over the mode in
/// one table and over the channels in another: the column's values decide (more than half of
/// its non-blank cells), not the word. 公开方式 holding 政府网站、公告栏 beside 公开属性 holding
/// 主动公开 was read as two mode columns, the channels missing (GK006).
#[test]
fn old_mode_words_over_channel_values_are_the_channels_and_the_other_way_round() {
    let dir = tempfile::tempdir().expect("tmp");
    let tables = [
        (
            "方式为渠道.csv",
            "序号,一级事项,二级事项,公开内容,公开依据,公开时限,公开主体,公开方式,公开属性,公开对象",
            ["政府网站、公告栏", "主动公开"],
            ["政府网站", "依申请公开"],
        ),
        (
            "形式为方式.csv",
            "序号,一级事项,二级事项,公开内容,公开依据,公开时限,公开主体,发布方式,公开形式,公开对象",
            ["政府网站、公告栏", "主动公开"],
            ["政府网站", "依申请公开"],
        ),
        (
            "类别为方式.csv",
            "序号,一级事项,二级事项,公开内容,公开依据,公开时限,公开主体,公开渠道,公开类别,公开对象",
            ["政府网站、公告栏", "主动"],
            ["政府网站", "依申请"],
        ),
        (
            "方式在前.csv",
            "序号,一级事项,二级事项,公开内容,公开依据,公开时限,公开主体,公开属性,公开方式,公开对象",
            ["主动公开", "政府网站、公告栏"],
            ["依申请公开", "政府网站"],
        ),
    ];
    for (name, header, first, second) in tables {
        let text = format!(
            "乐昌镇社会救助领域基层政务公开标准目录\n{header}\n\
             1,最低生活保障,低保对象认定,认定条件,{BASIS},信息形成或者变更之日起20个工作日内,乐昌镇人民政府,{},{},全社会\n\
             社会救助领域\n\
             2,最低生活保障,低保档案查阅,档案,{BASIS},收到申请之日起20个工作日内,乐昌镇人民政府,{},{},特定群众\n",
            first[0], first[1], second[0], second[1]
        );
        let (cats, diags) = read_checked(&csv_draft(dir.path(), name, &text));
        assert!(diags.is_empty(), "{name}: {:?}", codes(&diags));
        assert_eq!(
            mode_and_channels(&cats),
            [
                "低保对象认定 [Active] 政府网站、社区/企事业单位/村公示栏（电子屏）",
                "低保档案查阅 [OnRequest] 政府网站"
            ],
            "{name}"
        );
        // 公开类别 over modes is not the 一级事项.
        assert!(
            items(&cats)
                .iter()
                .all(|(_, i)| i.category == "最低生活保障"),
            "{name}"
        );
    }
    // A column of neither keeps the header's reading: 公开方式 stays the mode, and its
    // unreadable words are reported as before.
    let text = format!(
        "乐昌镇社会救助领域基层政务公开标准目录\n\
         序号,一级事项,二级事项,公开内容,公开依据,公开时限,公开主体,公开渠道,公开方式,公开对象\n\
         1,最低生活保障,低保对象认定,认定条件,{BASIS},信息形成或者变更之日起20个工作日内,乐昌镇人民政府,政府网站,按需,全社会\n"
    );
    let (cats, diags) = read_checked(&csv_draft(dir.path(), "都不是.csv", &text));
    assert_eq!(items(&cats).len(), 1);
    assert!(
        diags.iter().all(|d| d.code.starts_with("GK2")),
        "{:?}",
        codes(&diags)
    );
    assert!(!diags.is_empty());
}

/// A township's list names the office that discloses under 责任科室, 承办单位, 实施主体 or
/// 公开单位, with no 公开主体 column: that column is the 公开主体 (it was missing, GK006, and
/// the table was not read). Where a 公开主体 column is there too it wins, wherever it stands:
/// 责任单位 before it goes to 备注 (GK009) and 公开单位 stays the unit.
#[test]
fn the_responsible_office_is_the_subject_only_without_a_subject_column() {
    let dir = tempfile::tempdir().expect("tmp");
    for word in ["责任科室", "承办单位", "实施主体", "公开单位", "责任单位"] {
        let text = format!(
            "乐昌镇社会救助领域基层政务公开标准目录\n\
             序号,一级事项,二级事项,公开内容,公开依据,公开时限,{word},公开渠道,公开对象,公开方式\n\
             1,最低生活保障,低保对象认定,认定条件,{BASIS},信息形成或者变更之日起20个工作日内,社会事务办,政府网站,全社会,主动\n"
        );
        let (cats, diags) = read_checked(&csv_draft(dir.path(), &format!("{word}.csv"), &text));
        assert!(diags.is_empty(), "{word}: {:?}", codes(&diags));
        let got = items(&cats);
        assert_eq!(got.len(), 1, "{word}");
        assert_eq!(got[0].1.subject, "社会事务办", "{word}");
        assert_eq!(cats[0].unit.name, "乐昌镇", "{word}");
    }
    // With a 公开主体 column, the others stay as they were.
    let text = format!(
        "序号,公开单位,一级事项,二级事项,公开内容,公开依据,公开时限,责任单位,公开主体,公开渠道,公开对象,公开方式\n\
         社会救助领域\n\
         1,乐昌镇,最低生活保障,低保对象认定,认定条件,{BASIS},信息形成或者变更之日起20个工作日内,社会事务办,乐昌镇人民政府,政府网站,全社会,主动\n"
    );
    let (cats, diags) = read_checked(&csv_draft(dir.path(), "全县.csv", &text));
    assert_eq!(codes(&diags), ["GK009@H1"]);
    let got = items(&cats);
    assert_eq!(got[0].1.subject, "乐昌镇人民政府");
    assert_eq!(got[0].1.remarks, "责任单位：社会事务办");
    assert_eq!(cats[0].unit.name, "乐昌镇");
}

/// Header cells typed with spaces between the characters (公 开 主 体), full-width spaces, or
/// wrapped with line breaks to fit a narrow column (公开\n时限, 特定\n群众, 政府\n网站), as
/// Word and WPS tables are laid out: each reads as its words, parents and sub-columns included.
#[test]
fn spaced_and_wrapped_header_words_read_as_their_words() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = format!(
        "乐昌镇社会救助领域基层政务公开标准目录\n\
         序 号,\"公开\n事项\",,\"公开内容\n（要素）\",公开\u{3000}依据,公开 时限,公 开 主 体,\"公开渠道\n和载体\",,\"公 开\n对 象\",,公开　方式,,公 开 层 级,\n\
         ,一级 事项,\"二级\n事项\",,,,,\"政府\n网站\",公 示 栏,全 社 会,\"特定\n群众\",主 动,\"依申请\n公开\",乡 级,\"村\n级\"\n\
         1,最低生活保障,低保对象认定,认定条件,{BASIS},信息形成或者变更之日起20个工作日内,乐昌镇人民政府,√,√,√,,√,,√,√\n"
    );
    let (cats, diags) = read_checked(&csv_draft(dir.path(), "乐昌镇.csv", &text));
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    let got: Vec<String> = items(&cats)
        .into_iter()
        .map(|(s, i)| {
            format!(
                "{s}/{}/{}/{}/{} {:?} {:?} {:?} {}",
                i.category,
                i.name,
                i.deadline,
                i.subject,
                i.audience,
                i.mode,
                i.levels,
                gkml::model::ChannelList(&i.channels)
            )
        })
        .collect();
    assert_eq!(
        got,
        ["社会救助/最低生活保障/低保对象认定/信息形成或者变更之日起20个工作日内/乐昌镇人民政府 [Public] [Active] [Town, Village] 政府网站、社区/企事业单位/村公示栏（电子屏）"]
    );
}

/// The level columns headed as county and township catalogues write them — 县（市、区）级,
/// 乡镇（街道）级, 村（社区）, and 区级, 镇街级 in a district's — in a one-row header or under a
/// 公开层级 parent: each is that level's mark column, not an unknown column whose ticks went to
/// 备注.
#[test]
fn level_columns_headed_with_their_alternatives_are_level_marks() {
    let dir = tempfile::tempdir().expect("tmp");
    let lead = "序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,公开对象,公开方式";
    let body = format!(
        "1,最低生活保障,低保对象认定,认定条件,{BASIS},信息形成或者变更之日起20个工作日内,乐昌镇人民政府,政府网站,全社会,主动"
    );
    for (name, header) in [
        (
            "一行.csv",
            format!("{lead},县（市、区）级,乡镇（街道）级,村（社区）"),
        ),
        (
            "无级字.csv",
            format!("{lead},县(市、区),乡镇(街道),村(社区)"),
        ),
        ("区.csv", format!("{lead},区级,镇街级,村级")),
        (
            "两行.csv",
            format!("{lead},公开层级,,\n,,,,,,,,,,县（市、区）,乡镇（街道）,村（社区）"),
        ),
    ] {
        let text = format!("乐昌镇社会救助领域基层政务公开标准目录\n{header}\n{body},,√,√\n");
        let (cats, diags) = read_checked(&csv_draft(dir.path(), name, &text));
        assert!(diags.is_empty(), "{name}: {:?}", codes(&diags));
        let got: Vec<String> = items(&cats)
            .into_iter()
            .map(|(_, i)| format!("{:?} {}", i.levels, i.remarks))
            .collect();
        assert_eq!(got, ["[Town, Village] "], "{name}");
    }
}

/// Parents that are not the template's words — 公开范围 over 全社会 | 特定群体, 公开形式 over
/// 主动 | 依申请, 适用层级 over 县级 | 乡级, 发布渠道 over 政府网站 | 公告栏 | 村村响 — merged
/// (written once over the first column) or repeated over each column, and 公开 over 对象 |
/// 方式 whose words name a column only together: each sub-column is what parent and child say.
/// The first sub-column was read as the parent's text column (公开范围 holding ✓).
#[test]
fn parent_words_over_value_columns_decide_with_the_child_merged_or_repeated() {
    let dir = tempfile::tempdir().expect("tmp");
    let lead = "序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体";
    let body = format!(
        "1,最低生活保障,低保对象认定,认定条件,{BASIS},信息形成或者变更之日起20个工作日内,乐昌镇人民政府"
    );
    let blanks = ",".repeat(7);
    let tables = [
        (
            "合并.csv",
            format!(
                "{lead},发布渠道,,,公开范围,,公开形式,,适用层级,\n\
                 {blanks}政府网站,公告栏,村村响,全社会,特定群体,主动,依申请,县级,乡级\n\
                 {body},√,√,√,√,,√,,,√\n"
            ),
        ),
        (
            "重复.csv",
            format!(
                "{lead},公开途径,公开途径,公开途径,公开范围,公开范围,公开属性,公开属性,公开层次,公开层次\n\
                 {blanks}政府网站,公告栏,村村响,全社会,特定群体,主动,依申请,县级,乡级\n\
                 {body},√,√,√,√,,√,,,√\n"
            ),
        ),
        (
            "模板重复.csv",
            format!(
                "{lead},公开渠道和载体,公开渠道和载体,公开渠道和载体,公开对象,公开对象,公开方式,公开方式,公开层级,公开层级\n\
                 {blanks}政府网站,公告栏,村村响,全社会,特定群体,主动,依申请,县级,乡级\n\
                 {body},√,√,√,√,,√,,,√\n"
            ),
        ),
        (
            "合写.csv",
            format!(
                "{lead},公开渠道,,,公开,,,\n\
                 {blanks}政府网站,公告栏,村村响,对象,方式,层级\n\
                 {body},√,√,√,全社会,主动,乡级\n"
            ),
        ),
    ];
    for (name, text) in tables {
        let text = format!("乐昌镇社会救助领域基层政务公开标准目录\n{text}");
        let (cats, diags) = read_checked(&csv_draft(dir.path(), name, &text));
        assert!(diags.is_empty(), "{name}: {:?}", codes(&diags));
        let got: Vec<String> = items(&cats)
            .into_iter()
            .map(|(_, i)| {
                format!(
                    "{:?} {:?} {:?} {}",
                    i.audience,
                    i.mode,
                    i.levels,
                    gkml::model::ChannelList(&i.channels)
                )
            })
            .collect();
        assert_eq!(
            got,
            // 村村响 (village loudspeakers) is 广播电视, as 农村大喇叭 is.
            ["[Public] [Active] [Town] 政府网站、广播电视、社区/企事业单位/村公示栏（电子屏）"],
            "{name}"
        );
    }
}

/// A 是否主动公开 column (是 / 否, √ / ×, or the mode written out) is the mode: 是 主动, 否
/// 依申请公开, a blank or a dash nothing (GK2xx reports the missing mode as for any item).
#[test]
fn a_whether_proactive_column_reads_yes_as_active_and_no_as_on_request() {
    let dir = tempfile::tempdir().expect("tmp");
    let row = |name: &str, deadline: &str, yes: &str| {
        format!("{name},{name}的内容,{BASIS},{deadline},乐昌镇人民政府,政府网站,全社会,{yes}")
    };
    let active = "信息形成或者变更之日起20个工作日内";
    let asked = "收到申请之日起20个工作日内";
    for label in ["是否主动公开", "主动公开（是/否）"] {
        let text = format!(
            "乐昌镇社会救助领域基层政务公开标准目录\n\
             序号,一级事项,二级事项,公开内容,公开依据,公开时限,公开主体,公开渠道,公开对象,{label}\n\
             1,最低生活保障,{}\n,,{}\n,,{}\n,,{}\n,,{}\n",
            row("低保对象认定", active, "是"),
            row("低保档案查阅", asked, "否"),
            row("低保金发放", active, "√"),
            row("低保复核", asked, "×"),
            row("低保政策", active, "主动公开"),
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
                "低保对象认定 [Active]",
                "低保档案查阅 [OnRequest]",
                "低保金发放 [Active]",
                "低保复核 [OnRequest]",
                "低保政策 [Active]"
            ],
            "{label}"
        );
    }
    // A dash says nothing: the mode is missing, as in a blank 公开方式 cell.
    let text = format!(
        "乐昌镇社会救助领域基层政务公开标准目录\n\
         序号,一级事项,二级事项,公开内容,公开依据,公开时限,公开主体,公开渠道,公开对象,是否主动公开\n\
         1,最低生活保障,{}\n",
        row("低保对象认定", active, "—"),
    );
    let (cats, diags) = read_checked(&csv_draft(dir.path(), "乐昌镇.csv", &text));
    assert!(items(&cats)[0].1.mode.is_empty());
    assert_eq!(diags.len(), 1, "{:?}", codes(&diags));
    assert!(codes(&diags)[0].ends_with("@J3"), "{:?}", codes(&diags));
}

/// 领域 cells as clerks number, decorate or shorten them — 一、社会救助, （三）养老服务领域,
/// 社会救助类, 养老, 城管执法, 预决算, 社保, 低保 — name their pilot domain, not an unknown
/// section (GK203/GK204) each.
#[test]
fn numbered_decorated_and_short_domain_cells_name_their_domain() {
    let dir = tempfile::tempdir().expect("tmp");
    let cells = [
        ("一、社会救助", "社会救助"),
        ("（三）养老服务领域", "养老服务"),
        ("社会救助类", "社会救助"),
        ("养老", "养老服务"),
        ("城管执法", "城市综合执法"),
        ("预决算", "财政预决算"),
        ("社保", "社会保险"),
        ("低保", "社会救助"),
    ];
    let rows: Vec<String> = cells
        .iter()
        .enumerate()
        .map(|(n, (cell, _))| format!("{cell},{},事项{n},{}", n + 1, row(&format!("名单{n}"))))
        .collect();
    let text = format!(
        "乐昌镇基层政务公开标准目录\n领域,{HEADER}\n{}\n",
        rows.join("\n")
    );
    let (cats, diags) = read_checked(&csv_draft(dir.path(), "乐昌镇.csv", &text));
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    let mut got: Vec<(String, String)> = items(&cats)
        .into_iter()
        .map(|(s, i)| (i.name.clone(), s))
        .collect();
    got.sort();
    let mut want: Vec<(String, String)> = cells
        .iter()
        .enumerate()
        .map(|(n, (_, d))| (format!("名单{n}"), d.to_string()))
        .collect();
    want.sort();
    assert_eq!(got, want);
}

/// Header wordings read in published county and township catalogues (2020–2025): a district's
/// 公开要求 column holding the time limit beside 区级 | 镇街级 under 公开层级; a county's one
/// column 乡、村级 for two levels beside 县级; a department's 信息类别 | 信息名称 | 内容标准 |
/// 公开平台 | 公开层次. Each lands in its field, nothing in 备注.
#[test]
fn header_words_of_published_catalogues_fill_their_fields() {
    let dir = tempfile::tempdir().expect("tmp");
    let deadline = "条目化展示、信息形成（变更）20个工作日内";
    let tables = [
        (
            "荣昌.csv",
            format!(
                "涉贫涉乡村振兴领域政务公开标准目录\n\
                 序号,公开事项,,公开内容（要素）,公开依据,公开要求,公开主体,公开渠道和载体,公开对象,,公开方式,,公开层级,\n\
                 ,一级事项,二级事项,,,,,,全社会,特定群众,主动,依申请公开,区级,镇街级\n\
                 1,政策文件,行政法规,相关法律、规章,{BASIS},{deadline},区乡村振兴局,政府网站、公开查阅点,√,,√,,√,√\n"
            ),
            "扶贫",
            "[County, Town]",
        ),
        (
            "巩留.csv",
            format!(
                "附件2：保障性住房领域基层政务公开标准目录\n\
                 序号,公开事项,,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,公开对象,,公开方式,,公开层级,\n\
                 ,一级事项,二级事项,,,,,,全社会,特定群体,主动,依申请,县级,乡、村级\n\
                 1,政策文件,行政法规,相关法律、规章,{BASIS},{deadline},县住房和城乡建设局,政府网站、公开查阅点,√,,√,,,√\n"
            ),
            "保障性住房",
            "[Town, Village]",
        ),
        (
            "部门.csv",
            format!(
                "序号,领域,信息类别,信息名称,内容标准,公开依据,公开时限,公开主体,公开平台,公开对象,公开方式,公开层次\n\
                 1,扶贫,政策文件,行政法规,相关法律、规章,{BASIS},{deadline},县乡村振兴局,政府网站、公开查阅点,全社会,主动,县级、乡级\n"
            ),
            "扶贫",
            "[County, Town]",
        ),
    ];
    for (name, text, domain, levels) in tables {
        let (cats, diags) = read_checked(&csv_draft(dir.path(), name, &text));
        assert!(diags.is_empty(), "{name}: {:?}", codes(&diags));
        let got: Vec<String> = items(&cats)
            .into_iter()
            .map(|(s, i)| {
                format!(
                    "{s}/{}/{}/{}/{} {:?} {:?} {:?} {}|{}",
                    i.category,
                    i.name,
                    i.content,
                    i.deadline,
                    i.audience,
                    i.mode,
                    i.levels,
                    gkml::model::ChannelList(&i.channels),
                    i.remarks
                )
            })
            .collect();
        assert_eq!(
            got,
            [format!("{domain}/政策文件/行政法规/相关法律、规章/{deadline} [Public] [Active] {levels} 政府网站、公开查阅点|")],
            "{name}"
        );
    }
}

/// 同上 reaches back across the batches a large table is read in: `validate` streams rows to
/// its checkers a chunk at a time, `compile` converts them a batch at a time, and a 同上 on a
/// chunk's first row is the last row of the chunk before. Every third row writes its time
/// limit and the next two say 同上; the limit is 20 working days in one group and 30 (GK402)
/// in the next, so each 同上 that took another group's row, or none (GK104), shows in the
/// report. 3,000 rows cross every chunk size from 512 to 2,048 on a 同上 row.
#[test]
fn ditto_reaches_across_the_chunks_of_a_large_table() {
    let dir = tempfile::tempdir().expect("tmp");
    let n = 3000;
    let mut text = format!("乐昌镇社会救助领域基层政务公开标准目录\n{HEADER}\n");
    for i in 0..n {
        let deadline = match (i % 3, (i / 3) % 2) {
            (0, 0) => "信息形成或者变更之日起20个工作日内",
            (0, _) => "信息形成或者变更之日起30个工作日内",
            _ => "同上",
        };
        text.push_str(&format!(
            "{},最低生活保障{},事项{i},条件,{BASIS},{deadline},乐昌镇人民政府,政府网站,✓,,✓,\n",
            i + 1,
            i / 3
        ));
    }
    let path = csv_draft(dir.path(), "乐昌镇.csv", &text);
    // The rows of the 30-day groups, as the sheet numbers them (title and header first).
    let expected: Vec<u64> = (0..n)
        .filter(|i| (i / 3) % 2 == 1)
        .map(|i| i as u64 + 3)
        .collect();
    let rows_of = |report: &serde_json::Value, code: &str| -> Vec<u64> {
        let mut rows: Vec<u64> = report["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .filter(|d| d["code"] == code)
            .filter_map(|d| d["row"].as_u64())
            .collect();
        rows.sort_unstable();
        rows
    };
    // validate streams the CSV.
    let report = json(&gkml(&[
        "validate",
        "--format",
        "json",
        "--max-diagnostics",
        "0",
        path.to_str().expect("path"),
    ]));
    // Rows reported but not expected, and expected but not reported (short when it fails).
    let differ = |got: &[u64]| -> (Vec<u64>, Vec<u64>) {
        (
            got.iter()
                .filter(|r| !expected.contains(r))
                .copied()
                .collect(),
            expected
                .iter()
                .filter(|r| !got.contains(r))
                .copied()
                .collect(),
        )
    };
    assert_eq!(rows_of(&report, "GK104"), Vec::<u64>::new());
    assert_eq!(differ(&rows_of(&report, "GK402")), (vec![], vec![]));
    // The catalogue path (compile, import) reads it in batches.
    let (cats, diags) = read_checked(&path);
    let items = items(&cats);
    assert_eq!(items.len(), n);
    for (i, (_, item)) in items.iter().enumerate() {
        let days = if (i / 3) % 2 == 0 { 20 } else { 30 };
        assert_eq!(
            item.deadline,
            format!("信息形成或者变更之日起{days}个工作日内"),
            "item {i}"
        );
    }
    let mut batch_rows: Vec<u64> = diags
        .iter()
        .filter(|d| d.code == "GK402")
        .filter_map(|d| d.row.map(u64::from))
        .collect();
    batch_rows.sort_unstable();
    assert_eq!(differ(&batch_rows), (vec![], vec![]));
}

/// validate reads, checks and runs the in-order checks (duplicates, numbering) on as many
/// threads as there are cores, a chunk of rows at a time; the in-order checks must still
/// see the rows in file order. 5,000 rows: every 1,000th row from row 1,000 on repeats the
/// item 900 rows above it (another chunk), and the 序号 skips a number every 777 rows. With
/// one thread and with several, the reports are byte-identical, every GK501 is on the later
/// row and names the earlier one, and every skip is reported where it is.
#[test]
fn the_in_order_checks_see_the_rows_in_file_order_whatever_the_thread_count() {
    let dir = tempfile::tempdir().expect("tmp");
    let n = 5000;
    let mut text = format!("乐昌镇社会救助领域基层政务公开标准目录\n{HEADER}\n");
    let mut seq = 0;
    for i in 0..n {
        seq += if i > 0 && i % 777 == 0 { 2 } else { 1 };
        let j = if i >= 1000 && i % 1000 == 0 {
            i - 900
        } else {
            i
        };
        text.push_str(&format!(
            "{seq},最低生活保障{},事项{j},条件,{BASIS},信息形成或者变更之日起20个工作日内,乐昌镇人民政府,政府网站,✓,,✓,\n",
            j / 3
        ));
    }
    let path = csv_draft(dir.path(), "乐昌镇.csv", &text);
    let run = |threads: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_gkml"))
            .env("RAYON_NUM_THREADS", threads)
            .args(["validate", "--format", "json", "--max-diagnostics", "0"])
            .arg(&path)
            .output()
            .expect("run gkml");
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let one = run("1");
    for threads in ["2", "3", "8"] {
        assert!(
            run(threads) == one,
            "{threads} threads report otherwise than one"
        );
    }
    let report: serde_json::Value = serde_json::from_str(&one).expect("json");
    let found = |code: &str| -> Vec<(u64, String)> {
        report["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .filter(|d| d["code"] == code)
            .map(|d| {
                (
                    d["row"].as_u64().unwrap_or(0),
                    d["hint"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    // The sheet's row of the file's i-th item (title and header first).
    let row = |i: usize| i as u64 + 3;
    let duplicates: Vec<(u64, String)> = (1..n / 1000)
        .map(|k| k * 1000)
        .map(|i| {
            (
                row(i),
                format!("首次出现于第{}行；删除重复行或改名", row(i - 900)),
            )
        })
        .collect();
    assert_eq!(found("GK501"), duplicates);
    let skips: Vec<u64> = (1..n).filter(|i| i % 777 == 0).map(row).collect();
    let mut numbering: Vec<u64> = found("GK502").iter().map(|(r, _)| *r).collect();
    numbering.dedup();
    assert_eq!(numbering, skips);
}
