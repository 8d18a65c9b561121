//! Writing Simplified text in Traditional characters, as 东湖区's drafts are: a small map of
//! the characters a catalogue uses most, each pair kept only if converting back gives the
//! Simplified character again (so a styled draft must read back to the very same text).

use std::sync::OnceLock;

const PAIRS: &str = "开開项項务務时時实實会會众眾级級领領网網体體载載据據条條门門户戶区區县縣乡鄉请請动動对對层層号號发發国國办辦关關个個变變长長报報纸紙质質广廣电電视視两兩栏欄阅閱点點现現场場准準养養义義贫貧标標录錄编編单單备備内內容容运運营營预預决決算算业業产產农農补補贴貼环環态態护護险險规規划劃设設计計财財卫衛际際纪紀统統过過进進许許证證议議论論认認应應让讓这這问問题題监監测測检檢验驗价價档檔队隊书書记記录錄学學医醫疗療药藥险險难難困困础礎处處罚罰执執法法务務员員细細则則";

fn map() -> &'static Vec<(char, char)> {
    static MAP: OnceLock<Vec<(char, char)>> = OnceLock::new();
    MAP.get_or_init(|| {
        let chars: Vec<char> = PAIRS.chars().collect();
        chars
            .chunks(2)
            .filter_map(|p| match p {
                [s, t] if s != t && fast2s::convert(&t.to_string()) == s.to_string() => {
                    Some((*s, *t))
                }
                _ => None,
            })
            .collect()
    })
}

/// Simplified → Traditional over the map's characters.
pub fn to_traditional(s: &str) -> String {
    s.chars()
        .map(|c| {
            map()
                .iter()
                .find(|(a, _)| *a == c)
                .map(|(_, t)| *t)
                .unwrap_or(c)
        })
        .collect()
}

/// Whether a text written in Traditional reads back as itself.
pub fn round_trips(s: &str) -> bool {
    fast2s::convert(&to_traditional(s)) == s
}
