//! The JSON Schemas of the TOML formats (`schemas/*.schema.json`, draft 2020-12), generated
//! from the very types that read them, so an editor's completion and gkml's reader cannot
//! disagree. The value lists (audiences, modes, kinds, levels, channels) come from the model.

use schemars::JsonSchema;

use super::{ProjectToml, ReferenceToml, UnitToml};
use crate::model::UnitKind;

fn string_enum(values: &[&str]) -> schemars::Schema {
    schemars::json_schema!({ "type": "string", "enum": values })
}

pub(super) fn audience_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    string_enum(&["全社会", "特定群众"])
}

pub(super) fn mode_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    string_enum(&["主动", "依申请公开"])
}

pub(super) fn kind_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    string_enum(&UnitKind::ALL.map(UnitKind::label))
}

pub(super) fn kinds_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": "array", "items": kind_schema(g) })
}

pub(super) fn levels_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": "array", "items": string_enum(&["县级", "乡级", "村级"]) })
}

pub(super) fn channels_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let names: Vec<&str> = crate::model::ChannelKind::canonical_names().collect();
    schemars::json_schema!({
        "type": "array",
        "items": { "anyOf": [ { "type": "string", "enum": names }, { "type": "string", "pattern": "^其他（.+）$" } ] }
    })
}

/// The JSON Schemas of the TOML formats (draft 2020-12), by file name under `schemas/`.
pub fn schemas() -> Vec<(&'static str, String)> {
    fn gen<T: JsonSchema>() -> String {
        let s = schemars::generate::SchemaSettings::draft2020_12()
            .into_generator()
            .into_root_schema_for::<T>();
        serde_json::to_string_pretty(&s).unwrap_or_default() + "\n"
    }
    vec![
        ("reference.schema.json", gen::<ReferenceToml>()),
        ("unit.schema.json", gen::<UnitToml>()),
        ("county.schema.json", gen::<ProjectToml>()),
    ]
}
