//! `allOf` merges schemas: a property some member types never comes out less
//! typed in the merged struct, whatever the other members say of it (an
//! `x-addedInMatrixVersion` alone, say).

mod common;

use common::{api, corpus, read};
use matrix_codegen::ir::types::{Def, Ty};
use matrix_codegen::names::type_ident;
use openapiv3::{ReferenceOr, Schema, SchemaKind};

fn untyped(ty: &Ty) -> bool {
    match ty {
        Ty::Json => true,
        Ty::Option(inner) => untyped(inner),
        _ => false,
    }
}

/// The property schemas the members of an `allOf` give a name, through refs.
fn member_properties<'a>(
    schema: &'a Schema,
    components: &'a indexmap::IndexMap<String, ReferenceOr<Schema>>,
    out: &mut Vec<(String, &'a ReferenceOr<Box<Schema>>)>,
) {
    let members = match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => all_of.as_slice(),
        SchemaKind::Any(any) => any.all_of.as_slice(),
        SchemaKind::Type(openapiv3::Type::Object(object)) => {
            out.extend(object.properties.iter().map(|(k, v)| (k.clone(), v)));
            return;
        }
        _ => return,
    };
    if let SchemaKind::Any(any) = &schema.schema_kind {
        out.extend(any.properties.iter().map(|(k, v)| (k.clone(), v)));
    }
    for member in members {
        let member = match member {
            ReferenceOr::Item(schema) => Some(schema),
            ReferenceOr::Reference { reference } => reference
                .strip_prefix("#/components/schemas/")
                .and_then(|key| components.get(key))
                .and_then(|c| match c {
                    ReferenceOr::Item(schema) => Some(schema),
                    ReferenceOr::Reference { .. } => None,
                }),
        };
        if let Some(member) = member {
            member_properties(member, components, out);
        }
    }
}

fn typed(property: &ReferenceOr<Box<Schema>>) -> bool {
    match property {
        ReferenceOr::Reference { .. } => true,
        ReferenceOr::Item(schema) => {
            !matches!(&schema.schema_kind, SchemaKind::Any(any) if *any == Default::default())
        }
    }
}

#[test]
fn no_merged_property_is_less_typed_than_a_member_declares_it() {
    let Some(tree) = corpus("openapi31-latest") else {
        return;
    };
    let spec = read(&tree.join("data/api"), Some(&tree.join("data")));
    let api = api(&spec, "client-server");
    let ir = matrix_codegen::ir::build(api);
    let components = &api.openapi.components.as_ref().unwrap().schemas;
    let mut checked = 0;
    for (key, schema) in components {
        let ReferenceOr::Item(schema) = schema else {
            continue;
        };
        let Some(def) = ir.types.get(&type_ident(key)) else {
            continue;
        };
        let Def::Struct { fields, .. } = &def.def else {
            continue;
        };
        let mut declared = Vec::new();
        member_properties(schema, components, &mut declared);
        for (wire, _) in declared.into_iter().filter(|(_, p)| typed(p)) {
            let Some(field) = fields.iter().find(|f| f.wire == wire) else {
                continue;
            };
            checked += 1;
            assert!(
                !untyped(&field.ty),
                "`{key}.{wire}` is typed by a member of its allOf but merged as JSON"
            );
        }
    }
    // RoomSummary-based `/hierarchy` rooms among them.
    assert!(
        checked > 100,
        "only {checked} merged properties were checked"
    );
}

/// One type for one shape: the spec's repeated inline shapes become one type
/// each, named as a person would, and shapes that only look alike stay apart.
#[test]
fn equal_shapes_are_one_type() {
    let Some(tree) = corpus("openapi31-latest") else {
        return;
    };
    let spec = read(&tree.join("data/api"), Some(&tree.join("data")));
    let ir = matrix_codegen::ir::build_with(api(&spec, "client-server"), true);
    let operations: Vec<_> = ir.areas.iter().flat_map(|a| &a.operations).collect();
    let param_ty = |op_id: &str, wire: &str| {
        let op = operations.iter().find(|op| op.id == op_id).unwrap();
        let param = op.path_params.iter().chain(&op.query_params);
        param
            .into_iter()
            .find(|p| p.wire == wire)
            .unwrap()
            .ty
            .clone()
    };
    let kind = Ty::Named("PushRuleKind".to_owned());
    for op in [
        "getPushRule",
        "setPushRule",
        "deletePushRule",
        "getPushRuleActions",
        "setPushRuleActions",
        "isPushRuleEnabled",
        "setPushRuleEnabled",
    ] {
        assert_eq!(param_ty(op, "kind"), kind, "{op}");
    }
    assert_eq!(
        param_ty("getRoomEvents", "dir"),
        param_ty("getRelatingEvents", "dir")
    );
    // The names of the copies are gone; no type is a copy of another.
    for gone in [
        "GetPushRuleKind",
        "SetPushRuleKind",
        "JoinRoomRoomIdOrAlias",
    ] {
        assert!(!ir.types.contains_key(gone), "{gone}");
    }
    assert!(ir.types.contains_key("RoomIdOrAlias"));
    // The relations answers, worded differently, are one; the client event
    // copied into `/context` and `/events` answers is `ClientEvent`.
    let answer = |op_id: &str| {
        let op = operations.iter().find(|op| op.id == op_id).unwrap();
        op.response_type.rust_ty()
    };
    let relations = answer("getRelatingEvents");
    assert_eq!(answer("getRelatingEventsWithRelType"), relations);
    assert_eq!(
        answer("getRelatingEventsWithRelTypeAndEventType"),
        relations
    );
    for copy in [
        "EventContextEventsBeforeItem",
        "PeekEventsResponseChunkItem",
    ] {
        assert!(!ir.types.contains_key(copy), "{copy}");
    }
    // `{"enabled": ..}` of a push rule is not a capability's, though alike.
    let body = |op_id: &str| {
        let op = operations.iter().find(|op| op.id == op_id).unwrap();
        op.body.as_ref().unwrap().ty.clone()
    };
    assert_ne!(
        body("setPushRuleEnabled"),
        Ty::Named("BooleanCapability".to_owned())
    );
}
