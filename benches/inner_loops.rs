//! Criterion benchmarks of the inner loops that run once per row of a province-scale table:
//! the per-item rules, the channel-cell parser, the time-limit parser and cell cleaning.
//! `cargo bench --bench inner_loops`; whole-run figures are in BENCHMARKS.md
//! (scripts/bench.sh).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use gkml::model::{Audience, Catalogue, Channel, Item, Level, Mode};

fn row() -> Item {
    Item {
        category: "社会救助办事指南".into(),
        name: "申请条件12".into(),
        content: "举报电话、公示期限、对象名单、申请材料、资金数额、补助标准".into(),
        basis: "《中华人民共和国政府信息公开条例》、《社会救助暂行办法》（国务院令第649号）".into(),
        deadline: "信息形成或变更之日起20个工作日内".into(),
        subject: "第1镇人民政府".into(),
        channels: Channel::parse_list("■政府网站 ■两微一端 □政务服务中心 ■公开查阅点"),
        audience: vec![Audience::Public],
        mode: vec![Mode::Active],
        levels: vec![Level::Town],
        seq: "1".into(),
        ..Default::default()
    }
}

fn benches(c: &mut Criterion) {
    let cat = Catalogue::default();
    let item = row();
    c.bench_function("item_diagnostics", |b| {
        b.iter(|| {
            gkml::rules::item_diagnostics(
                black_box(&cat),
                black_box(&item),
                &gkml::rules::Context::default(),
            )
        })
    });
    let cell = "■政府网站 ■两微一端 □政务服务中心 ■公开查阅点 □便民服务站 ■社区/企事业单位/村公示栏（电子屏） □其他";
    c.bench_function("channel_cell", |b| {
        b.iter(|| Channel::parse_list(black_box(cell)))
    });
    c.bench_function("deadline", |b| b.iter(|| gkml::deadline::parse(black_box("信息形成或变更之日起20个工作日内（法律、法规对政府信息公开期限另有规定的，从其规定）"))));
    c.bench_function("clean_cell", |b| {
        b.iter(|| {
            gkml::read::clean::clean_cell(black_box(
                "举报电话、公示期限、对象名单、申请材料、资金数额、补助标准",
            ))
        })
    });
}

criterion_group!(inner, benches);
criterion_main!(inner);
