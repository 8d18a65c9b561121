//! Cells a clerk wrapped with Alt+Enter to fit a narrow column: a one-line value (一级事项,
//! 二级事项, 公开时限, 公开主体) reads as one line, as the clerk means it, while 公开内容 keeps
//! its lines (a list). Two bodies on two lines of a 公开主体 are two bodies.

mod common;

use common::*;

#[test]
fn one_line_values_wrapped_with_alt_enter_read_as_one_line_and_content_keeps_its_lines() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("乐昌镇.csv");
    let mut w = csv::Writer::from_path(&path).expect("csv");
    for r in [
        [
            "领域",
            "序号",
            "一级事项",
            "二级事项",
            "公开内容（要素）",
            "公开依据",
            "公开时限",
            "公开主体",
            "公开渠道和载体",
            "公开对象",
            "公开方式",
            "公开层级",
        ],
        [
            "社会救助",
            "1",
            "最低生活\n保障",
            "低保对象\n名单",
            "低保对象姓名、\n保障金额",
            "《社会救助暂行办法》（国务院令第649号）",
            "信息形成或者变更之日起\n20个工作日内",
            "县民政局\n乐昌镇\n人民政府",
            "政府网站\n公示栏",
            "全社会",
            "主动",
            "乡级",
        ],
    ] {
        w.write_record(r).expect("row");
    }
    w.flush().expect("flush");
    let (cats, diags) = read_checked(&path);
    assert_eq!(codes(&diags), Vec::<String>::new(), "{diags:#?}");
    let items = items(&cats);
    let (_, item) = &items[0];
    assert_eq!(item.category, "最低生活保障");
    assert_eq!(item.name, "低保对象名单");
    assert_eq!(item.deadline, "信息形成或者变更之日起20个工作日内");
    assert_eq!(item.subject, "县民政局、乐昌镇人民政府");
    assert_eq!(item.content, "低保对象姓名、\n保障金额");
    assert_eq!(item.channels.len(), 2);

    // The compiled CSV for the platform holds the one-line values on one line.
    let out = dir.path().join("out");
    let o = compile(&path, &out, &["--quiet"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = std::fs::read_to_string(out.join("乐昌镇.csv")).expect("csv output");
    assert!(
        text.contains(",最低生活保障,低保对象名单,\"低保对象姓名、\n保障金额\","),
        "{text}"
    );
    assert!(
        text.contains(",信息形成或者变更之日起20个工作日内,县民政局、乐昌镇人民政府,"),
        "{text}"
    );
}
