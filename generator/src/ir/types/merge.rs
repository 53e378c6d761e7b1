//! `allOf` merged into one object: properties from every member, through
//! refs, a property declared twice the `allOf` of both declarations.

use std::collections::BTreeSet;

use openapiv3::{AdditionalProperties, AnySchema, ReferenceOr, Schema, SchemaKind};

use super::{Shape, TypeGraph};

/// What an object schema and its `allOf` members say, gathered.
#[derive(Default)]
pub(super) struct ObjectParts {
    pub(super) properties: indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
    pub(super) required: Vec<String>,
    pub(super) additional: Option<AdditionalProperties>,
}

impl TypeGraph<'_> {
    /// Whether any member of an `allOf` is an object (through refs and nested `allOf`).
    ///
    /// Each named schema is looked at once (`seen`): members that name the
    /// same schema again add nothing, and a spec whose levels each name the
    /// next twice would otherwise cost two to the power of its depth.
    pub(super) fn all_of_is_object(
        &self,
        members: &[ReferenceOr<Schema>],
        depth: usize,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        depth < 32
            && members.iter().any(|member| {
                let schema = match member {
                    ReferenceOr::Item(s) => Some(s),
                    ReferenceOr::Reference { reference } if seen.insert(reference.clone()) => {
                        self.lookup(reference)
                    }
                    ReferenceOr::Reference { .. } => None,
                };
                schema.is_some_and(|s| {
                    let shape = Shape::of(s);
                    shape.has_properties()
                        || shape.additional.is_some()
                        || shape.types.contains(&"object")
                        || self.all_of_is_object(shape.all_of, depth + 1, seen)
                })
            })
    }

    /// Gathers the properties of an object schema, through `allOf` and refs.
    ///
    /// A named schema met twice through `allOf` is merged once (`seen`).
    pub(super) fn collect_object(
        &mut self,
        schema: &Schema,
        into: &mut ObjectParts,
        depth: usize,
        seen: &mut BTreeSet<String>,
    ) {
        if depth > 32 {
            return;
        }
        let shape = Shape::of(schema);
        for member in shape.all_of {
            let resolved = match member {
                ReferenceOr::Item(s) => Some(s),
                ReferenceOr::Reference { reference } if seen.insert(reference.clone()) => {
                    self.lookup(reference)
                }
                ReferenceOr::Reference { .. } => None,
            };
            if let Some(s) = resolved {
                self.collect_object(s, into, depth + 1, seen);
            }
        }
        for (name, property) in shape.properties.into_iter().flatten() {
            // A value must satisfy every member of an `allOf`: a property that
            // two members declare is the `allOf` of both declarations.
            match into.properties.get_mut(name) {
                None => {
                    into.properties.insert(name.clone(), property.clone());
                }
                // Merged in place, so the field keeps its first position.
                // A declaration that only annotates (`x-addedInMatrixVersion`, a
                // description) says nothing of the type: the typed one stands.
                Some(_) if only_annotates(property) => {}
                Some(earlier) if only_annotates(earlier) => *earlier = property.clone(),
                Some(earlier) => {
                    let data = match property {
                        ReferenceOr::Item(schema) => schema.schema_data.clone(),
                        ReferenceOr::Reference { .. } => Default::default(),
                    };
                    *earlier = ReferenceOr::Item(Box::new(Schema {
                        schema_data: data,
                        schema_kind: SchemaKind::AllOf {
                            all_of: vec![unbox(earlier), unbox(property)],
                        },
                    }));
                }
            }
        }
        into.required.extend(shape.required.iter().cloned());
        if shape.additional.is_some() {
            into.additional = shape.additional.cloned();
        }
    }
}

/// Whether a schema sets no type, shape or constraint of its own.
fn only_annotates(schema: &ReferenceOr<Box<Schema>>) -> bool {
    matches!(schema, ReferenceOr::Item(s) if s.schema_kind == SchemaKind::Any(AnySchema::default()))
}

fn unbox(schema: &ReferenceOr<Box<Schema>>) -> ReferenceOr<Schema> {
    match schema {
        ReferenceOr::Reference { reference } => ReferenceOr::Reference {
            reference: reference.clone(),
        },
        ReferenceOr::Item(boxed) => ReferenceOr::Item((**boxed).clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::*;

    fn schema(json: serde_json::Value) -> ReferenceOr<Schema> {
        serde_json::from_value(json).unwrap()
    }

    /// `/hierarchy`'s rooms: a typed summary, then a member that only says
    /// since when a property exists. The merged field keeps the type.
    #[test]
    fn an_annotation_only_member_does_not_untype_a_property() {
        let components = indexmap::IndexMap::from([(
            "RoomSummary".to_owned(),
            schema(serde_json::json!({
                "type": "object",
                "properties": {"room_type": {"type": "string"}, "encryption": {"type": "string"}},
            })),
        )]);
        let mut graph = TypeGraph::new(&components);
        let inline = schema(serde_json::json!({
            "allOf": [
                {"$ref": "#/components/schemas/RoomSummary"},
                {"type": "object", "properties": {
                    "room_type": {"x-addedInMatrixVersion": "1.2"},
                    "encryption": {"description": "Since 1.15."},
                    "children": {"type": "integer"},
                }},
            ]
        }));
        let Ty::Named(name) = graph.ty(&inline, "Rooms") else {
            panic!("the merged object has no name");
        };
        let Def::Struct { fields, .. } = &graph.defs[&name].def else {
            panic!("the merged object is not a struct");
        };
        let types: Vec<(&str, &Ty)> = fields.iter().map(|f| (f.wire.as_str(), &f.ty)).collect();
        assert_eq!(
            types,
            [
                ("room_type", &Ty::String),
                ("encryption", &Ty::String),
                ("children", &Ty::Integer),
            ]
        );
    }
}
