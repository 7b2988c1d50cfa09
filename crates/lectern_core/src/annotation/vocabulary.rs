//! The archive's tag vocabulary: each tag's colour, description and parent, and the
//! palette new tags take their colours from.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::TagName;

/// An sRGB colour, written `#rrggbb`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Colour(pub [u8; 3]);

impl Colour {
    pub fn parse(s: &str) -> Option<Self> {
        let hex = s.trim().strip_prefix('#')?;
        if hex.len() != 6 || !hex.is_ascii() {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        Some(Self([byte(0)?, byte(2)?, byte(4)?]))
    }
}

impl fmt::Display for Colour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [r, g, b] = self.0;
        write!(f, "#{r:02x}{g:02x}{b:02x}")
    }
}

impl Serialize for Colour {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Colour {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Self::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("not a colour (#rrggbb): {s:?}")))
    }
}

/// One tag of the vocabulary.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TagDef {
    /// Its own colour; without one it takes its parent's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub colour: Option<Colour>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<TagName>,
}

/// The archive's tags, by name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Vocabulary {
    pub tags: BTreeMap<TagName, TagDef>,
}

/// A colour for tags that have none of their own and no coloured ancestor.
pub const DEFAULT_TAG_COLOUR: Colour = Colour([0xf2, 0xc1, 0x4e]);

/// Colours given to new tags in turn: distinct in hue and lightness, readable as a wash
/// under text on light and dark backgrounds (after Okabe and Ito's colour-blind-safe set).
pub const TAG_PALETTE: [Colour; 8] = [
    Colour([0xf2, 0xc1, 0x4e]), // yellow
    Colour([0x56, 0xb4, 0xe9]), // sky blue
    Colour([0xe6, 0x9f, 0x00]), // orange
    Colour([0x00, 0x9e, 0x73]), // bluish green
    Colour([0xcc, 0x79, 0xa7]), // reddish purple
    Colour([0x00, 0x72, 0xb2]), // blue
    Colour([0xd5, 0x5e, 0x00]), // vermilion
    Colour([0x99, 0x99, 0x99]), // grey
];

impl Vocabulary {
    /// A colour for a new top-level tag: the first of [`TAG_PALETTE`] no tag uses yet, or,
    /// once all are taken, the palette again in turn.
    pub fn next_colour(&self) -> Colour {
        let used: Vec<Colour> = self.tags.values().filter_map(|d| d.colour).collect();
        TAG_PALETTE
            .iter()
            .copied()
            .find(|c| !used.contains(c))
            .unwrap_or(TAG_PALETTE[used.len() % TAG_PALETTE.len()])
    }

    /// The colour a tag shows in: its own, else the nearest ancestor's, else the default.
    /// Parent cycles (possible in a hand-edited file) end the walk.
    pub fn colour(&self, tag: &TagName) -> Colour {
        let mut current = Some(tag);
        for _ in 0..=self.tags.len() {
            let Some(name) = current else { break };
            let Some(def) = self.tags.get(name) else {
                break;
            };
            if let Some(colour) = def.colour {
                return colour;
            }
            current = def.parent.as_ref();
        }
        DEFAULT_TAG_COLOUR
    }

    /// The tag and its ancestors, nearest first (cycles cut).
    pub fn lineage<'a>(&'a self, tag: &'a TagName) -> Vec<&'a TagName> {
        let mut lineage = vec![tag];
        let mut current = self.tags.get(tag).and_then(|d| d.parent.as_ref());
        while let Some(parent) = current {
            if lineage.contains(&parent) {
                break;
            }
            lineage.push(parent);
            current = self.tags.get(parent).and_then(|d| d.parent.as_ref());
        }
        lineage
    }

    /// Direct children of `tag`, sorted by name.
    pub fn children(&self, tag: &TagName) -> Vec<&TagName> {
        self.tags
            .iter()
            .filter(|(_, d)| d.parent.as_ref() == Some(tag))
            .map(|(n, _)| n)
            .collect()
    }
}
