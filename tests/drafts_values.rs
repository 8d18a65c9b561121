//! Drafts never seen, the cell-value side: channels, time limits, marks, audiences and modes
//! as real catalogues write them, which the reader reported as false errors. Each test is a
//! small draft read back through the one pipeline (tests/drafts_unseen.rs does the same for
//! the shape of tables).

mod common;

use common::*;
use gkml::model::{Channel, ChannelKind};

const BASIS: &str = "《中华人民共和国政府信息公开条例》（国务院令第711号）";
const LIMIT: &str = "信息形成或者变更之日起20个工作日内";
const TITLE: &str = "乐昌镇社会救助领域基层政务公开标准目录";
const HEADER: &str = "序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,全社会,特定群众,主动,依申请公开";

/// A draft of items `(name, deadline, channels, marks)`, marks being the four cells 全社会,
/// 特定群众, 主动, 依申请公开 joined by commas.
fn draft(rows: &[(&str, &str, &str, &str)]) -> String {
    let mut text = format!("{TITLE}\r\n{HEADER}\r\n");
    for (i, (name, deadline, channels, marks)) in rows.iter().enumerate() {
        text.push_str(&format!(
            "{},最低生活保障,{name},{name}的条件和结果,{BASIS},{deadline},乐昌镇人民政府,\"{channels}\",{marks}\r\n",
            i + 1
        ));
    }
    text
}

/// Channels a clerk writes that the template does not list: hotlines, meetings, chat groups,
/// platforms and media centres are 其他 with their name; apps, screens, dailies, owner-named
/// websites and boards, quoted accounts and 村村响 are the template channel they are. None is
/// an unknown channel (GK205), and the compiled table writes them so they read back the same.
#[test]
fn local_channels_read_as_other_with_their_name_and_named_ones_as_their_channel() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = csv_draft(
        dir.path(),
        "乐昌镇.csv",
        &draft(&[
            (
                "低保政策",
                LIMIT,
                "政府网站、12345政务服务热线、村民代表大会、微信群、QQ群",
                "✓,,✓,",
            ),
            (
                "低保标准",
                LIMIT,
                "镇政府网站、政务服务平台、一网通办、县融媒体中心、会议",
                "✓,,✓,",
            ),
            (
                "低保名单",
                LIMIT,
                "县人民政府门户网站 “乐昌发布”微信公众号 乐昌APP/客户端 LED屏 乐昌日报 东风村村务公开栏 村村响",
                "✓,,✓,",
            ),
        ]),
    );
    let (cats, diags) = read_checked(&path);
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    let other = |s: &str| Channel::Other(Some(s.to_string()));
    let known = Channel::Known;
    let got: Vec<Vec<Channel>> = items(&cats)
        .into_iter()
        .map(|(_, i)| i.channels.clone())
        .collect();
    use ChannelKind::*;
    assert_eq!(
        got,
        [
            vec![
                known(Website),
                other("12345政务服务热线"),
                other("QQ群"),
                other("微信群"),
                other("村民代表大会"),
            ],
            vec![
                known(Website),
                other("一网通办"),
                other("会议"),
                other("县融媒体中心"),
                other("政务服务平台"),
            ],
            vec![
                known(Website),
                known(NewMedia),
                known(RadioTv),
                known(Print),
                known(NoticeBoard),
            ],
        ]
    );
    // Compiled, the local channels are written 其他（…） and the table reads back clean.
    let out = tempfile::tempdir().expect("out");
    let o = compile(&path, out.path(), &["--quiet"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let written = out.path().join("乐昌镇.csv");
    let text = std::fs::read_to_string(&written).expect("compiled csv");
    assert!(
        text.contains("政府网站、其他（12345政务服务热线）、其他（QQ群）"),
        "{text}"
    );
    let (back, diags) = read_checked(&written);
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    let again: Vec<Vec<Channel>> = items(&back)
        .into_iter()
        .map(|(_, i)| i.channels.clone())
        .collect();
    assert_eq!(again, got);
}

/// A real typo is still an unknown channel (GK205), and the hint names the spelling it is
/// close to.
#[test]
fn a_misspelt_channel_is_still_reported_with_the_spelling_it_is_close_to() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = csv_draft(
        dir.path(),
        "乐昌镇.csv",
        &draft(&[("低保政策", LIMIT, "政府网站、公式栏", "✓,,✓,")]),
    );
    let (_, diags) = read_checked(&path);
    assert_eq!(codes(&diags), ["GK205@H3"]);
    let hint = diags[0].hint.as_deref().unwrap_or("");
    assert!(hint.contains("是否应为“公示栏”"), "{hint}");
}

/// Time limits as clerks write them — 年初, 阶段性公开, 学期初, 即办, 当场, 一年一次, 根据工作
/// 进展, 廿日, 每年1月底前, 常态化, 实时更新 — state a time (no GK401), and the law's rules
/// judge what they say: 每年1月底前 is Art. 49's 1月31日 (no GK404), 廿日 for a penalty
/// decision is 20 days, over the 7 working days of 国办发〔2018〕118号 (GK405).
#[test]
fn time_limits_in_clerks_words_are_read_and_judged_by_the_law() {
    let dir = tempfile::tempdir().expect("tmp");
    let words = [
        "年初",
        "阶段性公开",
        "学期初",
        "即办",
        "当场",
        "一年一次",
        "根据工作进展",
        "廿日内",
        "常态化公开",
        "实时更新",
    ];
    let names: Vec<String> = (1..=words.len()).map(|i| format!("事项{i}")).collect();
    let mut rows: Vec<(&str, &str, &str, &str)> = names
        .iter()
        .zip(words)
        .map(|(n, w)| (n.as_str(), w, "政府网站", "✓,,✓,"))
        .collect();
    rows.push((
        "政府信息公开工作年度报告",
        "每年1月底前",
        "政府网站",
        "✓,,✓,",
    ));
    rows.push(("行政处罚决定", "作出决定之日起廿日内", "政府网站", "✓,,✓,"));
    let path = csv_draft(dir.path(), "乐昌镇.csv", &draft(&rows));
    let (cats, diags) = read_checked(&path);
    assert_eq!(codes(&diags), ["GK405@F14"]);
    let got = items(&cats);
    assert_eq!(got.len(), words.len() + 2);
    // The text is kept as written.
    assert_eq!(got[7].1.deadline, "廿日内");
}

/// A header that gives the unit (`公开时限（工作日）`) makes a bare number that many working
/// days: 20 is read and written as 20个工作日内, 30 for a 主动 item is over Art. 26's 20
/// (GK402), and 10 working days for a penalty decision over the 7 allowed (GK405). A bare
/// number under a plain 公开时限 still states no time (GK401).
#[test]
fn a_bare_number_under_a_working_days_header_is_that_many_working_days() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = format!(
        "{TITLE}\r\n\
         序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限（工作日）,公开主体,公开渠道和载体,全社会,特定群众,主动,依申请公开\r\n\
         1,最低生活保障,低保政策,条件,{BASIS},20,乐昌镇人民政府,政府网站,✓,,✓,\r\n\
         2,最低生活保障,低保名单,名单,{BASIS},30,乐昌镇人民政府,政府网站,✓,,✓,\r\n\
         3,行政处罚,行政处罚决定,决定书,{BASIS},10,乐昌镇人民政府,政府网站,✓,,✓,\r\n\
         4,最低生活保障,低保标准,标准,{BASIS},５,乐昌镇人民政府,政府网站,✓,,✓,\r\n"
    );
    let path = csv_draft(dir.path(), "乐昌镇.csv", &text);
    let (cats, diags) = read_checked(&path);
    assert_eq!(codes(&diags), ["GK402@F4", "GK405@F5"]);
    let limits: Vec<&str> = items(&cats)
        .into_iter()
        .map(|(_, i)| i.deadline.as_str())
        .collect();
    assert_eq!(
        limits,
        [
            "20个工作日内",
            "30个工作日内",
            "10个工作日内",
            "５个工作日内"
        ]
    );
    // Compiled, the value carries its unit and reads back clean under a plain 公开时限.
    let out = tempfile::tempdir().expect("out");
    let o = compile(&path, out.path(), &["--quiet", "--allow-errors"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let (_, back) = read_checked(&out.path().join("乐昌镇.csv"));
    assert_eq!(codes(&back), ["GK402@H3", "GK405@H4"]);
    // Without the unit in the header, a number is no time limit.
    let plain = text.replace("公开时限（工作日）", "公开时限");
    let (_, diags) = read_checked(&csv_draft(dir.path(), "无单位.csv", &plain));
    assert_eq!(
        codes(&diags),
        ["GK401@F3", "GK401@F4", "GK401@F5", "GK401@F6"]
    );
}

/// Marks as clerks type them in mark columns: ★/☆ and ●/○ pairs (the hollow one is 否 beside
/// a filled one), 〇 and ⭕ alone, ▲ and ◆, x/X and ❌ as ×, 有/无. Each row reads as one
/// audience and one mode, with no unreadable mark (GK209) and no double mark (GK201/GK202).
#[test]
fn stars_circles_crosses_and_words_in_mark_columns_read_as_the_clerk_means() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = csv_draft(
        dir.path(),
        "乐昌镇.csv",
        &draft(&[
            ("星号", LIMIT, "政府网站", "★,☆,★,☆"),
            ("空心星", LIMIT, "政府网站", "☆,,☆,"),
            ("圆圈", LIMIT, "政府网站", "〇,,⭕,"),
            ("三角菱形", LIMIT, "政府网站", "▲,,◆,"),
            ("叉号", LIMIT, "政府网站", "x,✓,X,✓"),
            ("红叉", LIMIT, "政府网站", "❌,✓,✗,✓"),
            ("有无", LIMIT, "政府网站", "有,无,有,无"),
            ("实心空心", LIMIT, "政府网站", "○,●,○,●"),
        ]),
    );
    let (cats, diags) = read_checked(&path);
    // 叉号, 红叉 and 实心空心 are 依申请公开 items with a 20-day limit (GK403), as marked.
    assert_eq!(codes(&diags), ["GK403@F7", "GK403@F8", "GK403@F10"]);
    let got: Vec<String> = items(&cats)
        .into_iter()
        .map(|(_, i)| format!("{} {:?} {:?}", i.name, i.audience, i.mode))
        .collect();
    assert_eq!(
        got,
        [
            "星号 [Public] [Active]",
            "空心星 [Public] [Active]",
            "圆圈 [Public] [Active]",
            "三角菱形 [Public] [Active]",
            "叉号 [Specific(None)] [OnRequest]",
            "红叉 [Specific(None)] [OnRequest]",
            "有无 [Public] [Active]",
            "实心空心 [Specific(None)] [OnRequest]",
        ]
    );
}

/// A workbook whose mark columns hold booleans (Excel shows TRUE/FALSE) reads them as set and
/// unset, not as unreadable text read as set (GK209 and then GK201/GK202).
#[test]
fn boolean_cells_in_a_workbook_s_mark_columns_are_set_and_unset() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("乐昌镇.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write(0, 0, TITLE).expect("write");
    for (c, h) in HEADER.split(',').enumerate() {
        ws.write(1, c as u16, h).expect("write");
    }
    let cells = [
        "1",
        "最低生活保障",
        "低保政策",
        "条件",
        BASIS,
        LIMIT,
        "乐昌镇人民政府",
        "政府网站",
    ];
    for (c, v) in cells.iter().enumerate() {
        ws.write(2, c as u16, *v).expect("write");
    }
    for (k, b) in [true, false, true, false].iter().enumerate() {
        ws.write_boolean(2, 8 + k as u16, *b).expect("write");
    }
    wb.save(&path).expect("save");
    let (cats, diags) = read_checked(&path);
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    let got: Vec<String> = items(&cats)
        .into_iter()
        .map(|(_, i)| format!("{:?} {:?}", i.audience, i.mode))
        .collect();
    assert_eq!(got, ["[Public] [Active]"]);
}

/// A one-column 公开对象 naming everyone of the place (全镇群众, 辖区居民, 全体村民) is 全社会;
/// one naming a group alone (低保对象, 申请人, 低保对象、特困人员) is 特定群众 with the group kept,
/// and the compiled table writes the group under 特定群众. A word that is neither is still
/// GK207.
#[test]
fn audiences_named_by_place_or_group_read_as_public_or_the_named_group() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut text = format!(
        "{TITLE}\r\n序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,公开对象,公开方式\r\n"
    );
    let audiences = [
        "全镇群众",
        "辖区居民",
        "全体村民",
        "低保对象",
        "申请人",
        "低保对象、特困人员",
        "内部",
    ];
    for (i, a) in audiences.iter().enumerate() {
        text.push_str(&format!(
            "{},最低生活保障,事项{},条件,{BASIS},{LIMIT},乐昌镇人民政府,政府网站,{a},主动\r\n",
            i + 1,
            i + 1
        ));
    }
    let path = csv_draft(dir.path(), "乐昌镇.csv", &text);
    let (cats, diags) = read_checked(&path);
    assert_eq!(codes(&diags), ["GK207@I9"]);
    let got: Vec<String> = items(&cats)
        .into_iter()
        .map(|(_, i)| format!("{:?}", i.audience))
        .collect();
    assert_eq!(
        got,
        [
            "[Public]",
            "[Public]",
            "[Public]",
            "[Specific(Some(\"低保对象\"))]",
            "[Specific(Some(\"申请人\"))]",
            "[Specific(Some(\"低保对象、特困人员\"))]",
            "[Unknown(\"内部\")]",
        ]
    );
    let out = tempfile::tempdir().expect("out");
    let o = compile(&path, out.path(), &["--quiet", "--allow-errors"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let written = std::fs::read_to_string(out.path().join("乐昌镇.csv")).expect("csv");
    assert!(written.contains(",,低保对象、特困人员,✓,"), "{written}");
}

/// A 公开方式 of 依职权主动公开 or 依职权公开 is 主动 (no GK206), judged as 主动 by the time-limit
/// rules; 不公开 is still an unknown mode (GK206), whose hint says it has no place in a
/// catalogue.
#[test]
fn modes_by_authority_are_active_and_not_disclosed_stays_an_error() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = format!(
        "{TITLE}\r\n序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,公开对象,公开方式\r\n\
         1,最低生活保障,低保政策,条件,{BASIS},{LIMIT},乐昌镇人民政府,政府网站,全社会,依职权主动公开\r\n\
         2,最低生活保障,低保名单,名单,{BASIS},30个工作日内,乐昌镇人民政府,政府网站,全社会,依职权公开\r\n\
         3,最低生活保障,低保档案,档案,{BASIS},{LIMIT},乐昌镇人民政府,政府网站,全社会,不公开\r\n"
    );
    let path = csv_draft(dir.path(), "乐昌镇.csv", &text);
    let (cats, diags) = read_checked(&path);
    // 30 working days for a 主动 item is over Art. 26 (GK402): 依职权公开 is judged as 主动.
    assert_eq!(codes(&diags), ["GK402@F4", "GK206@J5"]);
    let hint = diags[1].hint.as_deref().unwrap_or("");
    assert!(hint.contains("不列入公开目录"), "{hint}");
    let modes: Vec<String> = items(&cats)
        .into_iter()
        .map(|(_, i)| format!("{:?}", i.mode))
        .collect();
    assert_eq!(modes, ["[Active]", "[Active]", "[Unknown(\"不公开\")]"]);
}

/// Cells whose words a clerk spaced out to fill the column (`主 动`, `全 社 会`, `依申请 公开`,
/// `政府 网站`, `乡 级`), in text and mark columns, read as the words: no GK205, GK206, GK207,
/// GK208 or GK209.
#[test]
fn words_spaced_out_to_fill_a_column_are_the_words() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = format!(
        "{TITLE}\r\n序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,公开对象,公开方式,公开层级\r\n\
         1,最低生活保障,低保政策,条件,{BASIS},{LIMIT},乐昌镇人民政府,政府 网站,全 社 会,主 动,乡 级\r\n\
         2,最低生活保障,低保名单,名单,{BASIS},收到申请之日起20个工作日内,乐昌镇人民政府,政府　网站、公 示 栏,特定群众 （低保对象）,依申请 公开,乡级 村级\r\n"
    );
    let path = csv_draft(dir.path(), "乐昌镇.csv", &text);
    let (cats, diags) = read_checked(&path);
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    let got: Vec<String> = items(&cats)
        .into_iter()
        .map(|(_, i)| {
            format!(
                "{:?} {:?} {:?} {:?}",
                i.channels, i.audience, i.mode, i.levels
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            "[Known(Website)] [Public] [Active] [Town]",
            "[Known(Website), Known(NoticeBoard)] [Specific(Some(\"低保对象\"))] [OnRequest] [Town, Village]",
        ]
    );
    // The same words in mark columns are marks.
    let text = format!(
        "{TITLE}\r\n序号,一级事项,二级事项,公开内容（要素）,公开依据,公开时限,公开主体,公开渠道和载体,全社会,特定群众,主动,依申请公开\r\n\
         1,最低生活保障,低保政策,条件,{BASIS},{LIMIT},乐昌镇人民政府,政府网站,全 社 会,,主 动,\r\n"
    );
    let (cats, diags) = read_checked(&csv_draft(dir.path(), "标记.csv", &text));
    assert!(diags.is_empty(), "{:?}", codes(&diags));
    let got: Vec<String> = items(&cats)
        .into_iter()
        .map(|(_, i)| format!("{:?} {:?}", i.audience, i.mode))
        .collect();
    assert_eq!(got, ["[Public] [Active]"]);
}

#[test]
fn not_disclosed_typed_into_the_active_column_is_the_unknown_mode_error_at_that_cell() {
    // 不公开 under 主动 is not an unreadable tick read as 主动 (GK209): the item is not to be
    // disclosed, which GK206 says at that cell.
    let dir = tempfile::tempdir().expect("tmp");
    let text = format!(
        "{HEADER},公开层级\n\
         1,最低生活保障,低保名单,名单,{BASIS},{LIMIT},乐昌镇人民政府,政府网站,√,,不公开,,乡级\n\
         2,最低生活保障,低保政策,政策,{BASIS},{LIMIT},乐昌镇人民政府,政府网站,√,,√,,乡级\n"
    );
    let (cats, diags) = read_checked(&csv_draft(dir.path(), "乐昌镇.csv", &text));
    let found: Vec<String> = codes(&diags)
        .into_iter()
        .filter(|c| !c.starts_with("GK010"))
        .collect();
    assert_eq!(found, ["GK206@K2"], "{diags:#?}");
    let items = items(&cats);
    assert_eq!(
        items[0].1.mode,
        [gkml::model::Mode::Unknown("不公开".into())]
    );
    assert_eq!(items[1].1.mode, [gkml::model::Mode::Active]);
}
