//! A schema as the type mapping sees it, whichever way openapiv3 stored it.

use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type};

/// The parts of a schema the type mapping looks at, whichever way openapiv3
/// stored them; borrowed from the schema, since the mapping recurses through
/// every nested schema and a copy at each level would copy all below it.
#[derive(Default)]
pub(super) struct Shape<'s> {
    pub(super) types: Vec<&'s str>,
    pub(super) format: Option<String>,
    pub(super) properties: Option<&'s indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>>,
    pub(super) required: &'s [String],
    pub(super) additional: Option<&'s AdditionalProperties>,
    pub(super) items: Option<&'s ReferenceOr<Box<Schema>>>,
    pub(super) string_enum: Vec<String>,
    pub(super) all_of: &'s [ReferenceOr<Schema>],
    pub(super) one_of: &'s [ReferenceOr<Schema>],
    pub(super) any_of: &'s [ReferenceOr<Schema>],
}

impl<'s> Shape<'s> {
    pub(super) fn of(schema: &'s Schema) -> Shape<'s> {
        let mut shape = Shape::default();
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                shape.types.push("string");
                shape.format = format_name(&s.format);
                shape.string_enum = s.enumeration.iter().flatten().cloned().collect();
            }
            SchemaKind::Type(Type::Integer(_)) => shape.types.push("integer"),
            SchemaKind::Type(Type::Number(_)) => shape.types.push("number"),
            SchemaKind::Type(Type::Boolean(_)) => shape.types.push("boolean"),
            SchemaKind::Type(Type::Array(a)) => {
                shape.types.push("array");
                shape.items = a.items.as_ref();
            }
            SchemaKind::Type(Type::Object(o)) => {
                shape.types.push("object");
                shape.properties = Some(&o.properties);
                shape.required = &o.required;
                shape.additional = o.additional_properties.as_ref();
            }
            SchemaKind::AllOf { all_of } => shape.all_of = all_of,
            SchemaKind::OneOf { one_of } => shape.one_of = one_of,
            SchemaKind::AnyOf { any_of } => shape.any_of = any_of,
            SchemaKind::Not { .. } => {}
            SchemaKind::Any(any) => {
                shape.types.extend(any.typ.as_deref());
                shape.format = any.format.clone();
                shape.properties = Some(&any.properties);
                shape.required = &any.required;
                shape.additional = any.additional_properties.as_ref();
                shape.items = any.items.as_ref();
                shape.all_of = &any.all_of;
                shape.one_of = &any.one_of;
                shape.any_of = &any.any_of;
                if any.typ.as_deref() == Some("string") {
                    shape.string_enum = any
                        .enumeration
                        .iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect();
                }
            }
        }
        shape
    }

    pub(super) fn has_properties(&self) -> bool {
        self.properties.is_some_and(|p| !p.is_empty())
    }

    /// An object with properties, or an `allOf` composition of objects.
    pub(super) fn is_object(&self) -> bool {
        self.has_properties()
            || (!self.all_of.is_empty() && self.one_of.is_empty() && self.any_of.is_empty())
    }

    pub(super) fn unions(&self) -> Vec<&'s ReferenceOr<Schema>> {
        self.one_of.iter().chain(self.any_of).collect()
    }
}

fn format_name<T: std::fmt::Debug>(
    format: &openapiv3::VariantOrUnknownOrEmpty<T>,
) -> Option<String> {
    match format {
        openapiv3::VariantOrUnknownOrEmpty::Item(item) => Some(format!("{item:?}").to_lowercase()),
        openapiv3::VariantOrUnknownOrEmpty::Unknown(text) => Some(text.clone()),
        openapiv3::VariantOrUnknownOrEmpty::Empty => None,
    }
}
