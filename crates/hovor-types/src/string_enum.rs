//! Enums that travel as their snake_case names ("chat", "urgent"). One macro gives each the same
//! `as_str`, `parse` and serde impls through `String`: shared code, so the app's wasm carries one
//! string-matching path instead of a derived deserializer per enum.

/// Declares `pub enum $ty` with `as_str`, `parse`, `ALL`, `Serialize` and `Deserialize`.
#[macro_export]
macro_rules! string_enum {
    ($(#[$meta:meta])* pub enum $ty:ident { $($(#[$vmeta:meta])* $variant:ident = $s:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[cfg_attr(feature = "openapi", serde(rename_all = "snake_case"))]
        pub enum $ty {
            $($(#[$vmeta])* $variant),+
        }

        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];
            const NAMES: &'static [&'static str] = &[$($s),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $s),+
                }
            }

            pub fn parse(s: &str) -> Option<$ty> {
                match s {
                    $($s => Some($ty::$variant),)+
                    _ => None,
                }
            }
        }

        /// Reads a stored name (e.g. a database column); an unknown name is an error.
        impl TryFrom<String> for $ty {
            type Error = String;
            fn try_from(name: String) -> Result<Self, String> {
                $ty::parse(&name).ok_or_else(|| format!("unknown {} `{name}`", stringify!($ty)))
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let name = <String as serde::Deserialize>::deserialize(deserializer)?;
                $ty::parse(&name).ok_or_else(|| serde::de::Error::unknown_variant(&name, $ty::NAMES))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use crate::case::Priority;
    use crate::conversation::Channel;

    #[test]
    fn travels_as_its_name_and_refuses_unknown_names() {
        assert_eq!(serde_json::to_string(&Priority::Urgent).unwrap(), "\"urgent\"");
        assert_eq!(serde_json::from_str::<Channel>("\"voice\"").unwrap(), Channel::Voice);
        let error = serde_json::from_str::<Channel>("\"fax\"").unwrap_err().to_string();
        assert!(error.contains("unknown variant `fax`"), "{error}");
        assert_eq!(Channel::ALL.len(), 3);
    }
}
