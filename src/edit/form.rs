//! The values of a form: read from a file, read back from what a browser
//! posts, turned into what `toml_file::update` writes, and shown as HTML.
//!
//! A field's name is its TOML path: `deliberation.objet`, a list's element
//! `deliberation.visas.2` (its index in the file when the form was opened)
//! or `deliberation.visas.n1` (an element added in the form), a table in a
//! list `convention.parties.0.nom`. The names tie each element to the one
//! it was in the file, so removing the second visa rewrites that visa only.

use super::fields::{Field, Shape};
use crate::escape::html as esc;
use crate::toml_file::Want;
use std::collections::HashMap;
use std::fmt::Write as _;

/// A value of the form.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Absent,
    /// A value as written in its input.
    Text(String),
    List(Vec<Element>),
    Table(Vec<(String, Node)>),
}

/// An element of a list, with where it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    pub id: Id,
    pub node: Node,
}

/// Where an element of a list comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Id {
    /// Its index in the file when the form was opened.
    Was(usize),
    /// Added in the form.
    New(u32),
}

impl Id {
    fn name(self) -> String {
        match self {
            Id::Was(i) => i.to_string(),
            Id::New(k) => format!("n{k}"),
        }
    }

    fn parse(s: &str) -> Option<Id> {
        if let Some(k) = s.strip_prefix('n') {
            return k.parse().ok().map(Id::New);
        }
        if s.bytes().all(|b| b.is_ascii_digit()) && s.len() < 8 {
            return s.parse().ok().map(Id::Was);
        }
        None
    }
}

impl Node {
    /// The value of key `key` of a table.
    pub fn get(&self, key: &str) -> &Node {
        match self {
            Node::Table(keys) => keys
                .iter()
                .find(|(k, _)| k == key)
                .map_or(&Node::Absent, |(_, n)| n),
            _ => &Node::Absent,
        }
    }

    /// Nothing typed: absent, blank, an empty list, a table of blanks.
    pub fn is_blank(&self) -> bool {
        match self {
            Node::Absent => true,
            Node::Text(s) => s.trim().is_empty(),
            Node::List(items) => items.iter().all(|e| e.node.is_blank()),
            Node::Table(keys) => keys.iter().all(|(_, n)| n.is_blank()),
        }
    }
}

/// The values of a file's root table, as read by the `toml` crate.
pub fn from_toml(fields: &[Field], table: &toml::Table) -> Node {
    Node::Table(
        fields
            .iter()
            .map(|f| {
                let node = table
                    .get(&f.key)
                    .map_or(Node::Absent, |v| from_value(&f.shape, v));
                (f.key.clone(), node)
            })
            .collect(),
    )
}

fn from_value(shape: &Shape, v: &toml::Value) -> Node {
    match (shape, v) {
        (Shape::Either(shapes), v) => match pick(shapes, Some(v)) {
            Some(s) => from_value(s, v),
            None => Node::Text(v.to_string()),
        },
        (Shape::Table { fields, .. }, toml::Value::Table(t)) => from_toml(fields, t),
        (Shape::List(inner), toml::Value::Array(a)) => Node::List(
            a.iter()
                .enumerate()
                .map(|(i, v)| Element {
                    id: Id::Was(i),
                    node: from_value(inner, v),
                })
                .collect(),
        ),
        (Shape::Tables { fields, .. }, toml::Value::Array(a)) => Node::List(
            a.iter()
                .enumerate()
                .map(|(i, v)| Element {
                    id: Id::Was(i),
                    node: match v {
                        toml::Value::Table(t) => from_toml(fields, t),
                        v => Node::Text(v.to_string()),
                    },
                })
                .collect(),
        ),
        (_, toml::Value::String(s)) => Node::Text(s.clone()),
        (_, toml::Value::Datetime(d)) => Node::Text(d.to_string()),
        (_, toml::Value::Integer(i)) => Node::Text(i.to_string()),
        (_, toml::Value::Float(f)) => Node::Text(f.to_string()),
        (_, toml::Value::Boolean(b)) => Node::Text(b.to_string()),
        (_, v) => Node::Text(v.to_string()),
    }
}

/// The alternative of an `Either` that fits a value (the first when absent).
fn pick<'a>(shapes: &'a [Shape], v: Option<&toml::Value>) -> Option<&'a Shape> {
    let fits = |s: &Shape| match v {
        None => true,
        Some(toml::Value::Table(_)) => matches!(s, Shape::Table { .. }),
        Some(toml::Value::Array(_)) => matches!(s, Shape::List(_) | Shape::Tables { .. }),
        Some(toml::Value::Integer(_)) => matches!(s, Shape::Integer { .. } | Shape::Number),
        Some(_) => matches!(s, Shape::Text { .. } | Shape::Date | Shape::Choice(_)),
    };
    shapes.iter().find(|s| fits(s))
}

/// The alternative of an `Either` a form value was made with.
fn pick_node<'a>(shapes: &'a [Shape], node: &Node) -> Option<&'a Shape> {
    let fits = |s: &Shape| match node {
        Node::Absent => true,
        Node::Table(_) => matches!(s, Shape::Table { .. }),
        Node::List(_) => matches!(s, Shape::List(_) | Shape::Tables { .. }),
        Node::Text(t) if t.trim().parse::<i64>().is_ok() => !matches!(
            s,
            Shape::Table { .. } | Shape::List(_) | Shape::Tables { .. }
        ),
        Node::Text(_) => matches!(s, Shape::Text { .. } | Shape::Date | Shape::Choice(_)),
    };
    shapes.iter().find(|s| fits(s)).or(shapes.first())
}

/// The posted pairs, by name (the last one wins). A field the form did not
/// send is left as the file has it; each list sends its name in `_liste`,
/// so that a list whose every element was removed is known to be empty.
pub struct Posted<'a> {
    pairs: &'a [(String, String)],
}

impl<'a> Posted<'a> {
    pub fn new(pairs: &'a [(String, String)]) -> Posted<'a> {
        Posted { pairs }
    }

    fn listed(&self, name: &str) -> bool {
        self.pairs.iter().any(|(k, v)| k == "_liste" && v == name)
    }

    /// The list `name`: its elements, or absent when the form did not send it.
    fn list(&self, name: &str, item: impl Fn(&str) -> Node) -> Node {
        let ids = self.ids(name);
        if ids.is_empty() && !self.listed(name) {
            return Node::Absent;
        }
        Node::List(
            ids.into_iter()
                .map(|id| Element {
                    id,
                    node: item(&format!("{name}.{}", id.name())),
                })
                .collect(),
        )
    }

    fn value(&self, name: &str) -> Option<&'a str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The ids of the elements of the list `name`, in the order posted.
    fn ids(&self, name: &str) -> Vec<Id> {
        let prefix = format!("{name}.");
        let mut out: Vec<Id> = Vec::new();
        for (k, _) in self.pairs {
            let Some(rest) = k.strip_prefix(&prefix) else {
                continue;
            };
            let seg = rest.split('.').next().unwrap_or("");
            if let Some(id) = Id::parse(seg)
                && !out.contains(&id)
            {
                out.push(id);
            }
        }
        out
    }

    fn has_below(&self, name: &str) -> bool {
        let prefix = format!("{name}.");
        self.pairs.iter().any(|(k, _)| k.starts_with(&prefix))
    }

    /// The values of a table's fields posted under `prefix`.
    pub fn table(&self, fields: &[Field], prefix: &str) -> Node {
        Node::Table(
            fields
                .iter()
                .map(|f| {
                    let name = join(prefix, &f.key);
                    (f.key.clone(), self.field(&f.shape, &name))
                })
                .collect(),
        )
    }

    fn field(&self, shape: &Shape, name: &str) -> Node {
        match shape {
            Shape::Table { fields, .. } => self.table(fields, name),
            Shape::List(inner) => self.list(name, |n| self.field(inner, n)),
            Shape::Tables { fields, .. } => self.list(name, |n| self.table(fields, n)),
            Shape::Either(shapes) => {
                if let Some(v) = self.value(name) {
                    let scalar = shapes.iter().find(|s| {
                        !matches!(
                            s,
                            Shape::Table { .. } | Shape::List(_) | Shape::Tables { .. }
                        )
                    });
                    return match scalar {
                        Some(s) => self.field(s, name),
                        None => Node::Text(v.to_owned()),
                    };
                }
                if !self.has_below(name) && !self.listed(name) {
                    return Node::Absent;
                }
                let listed = !self.ids(name).is_empty() || self.listed(name);
                let s = shapes.iter().find(|s| match s {
                    Shape::List(_) | Shape::Tables { .. } => listed,
                    Shape::Table { .. } => !listed,
                    _ => false,
                });
                s.map_or(Node::Absent, |s| self.field(s, name))
            }
            _ => self
                .value(name)
                .map_or(Node::Absent, |v| Node::Text(v.to_owned())),
        }
    }
}

pub fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_owned()
    } else {
        format!("{prefix}.{key}")
    }
}

/// What the form's values write: see [`crate::toml_file::update`].
pub fn to_want(fields: &[Field], node: &Node) -> Vec<(String, Want)> {
    fields
        .iter()
        .map(|f| (f.key.clone(), want_of(f, &f.shape, node.get(&f.key))))
        .collect()
}

fn want_of(field: &Field, shape: &Shape, node: &Node) -> Want {
    use toml_edit::Value;
    match (shape, node) {
        (Shape::Either(shapes), n) => match pick_node(shapes, n) {
            Some(s) => want_of(field, s, n),
            None => Want::Absent,
        },
        (Shape::Table { fields, inline }, n) => Want::Table {
            keys: fields
                .iter()
                .map(|f| (f.key.clone(), want_of(f, &f.shape, n.get(&f.key))))
                .collect(),
            inline: *inline,
            keep_empty: field.required,
        },
        (Shape::List(inner), Node::List(items)) => Want::Array(
            items
                .iter()
                .filter(|e| !e.node.is_blank())
                .map(|e| (was(e.id), want_of(field, inner, &e.node)))
                .collect(),
        ),
        (Shape::Tables { fields, inline }, Node::List(items)) => Want::Array(
            items
                .iter()
                .filter(|e| !e.node.is_blank())
                .map(|e| {
                    let keys = fields
                        .iter()
                        .map(|f| (f.key.clone(), want_of(f, &f.shape, e.node.get(&f.key))))
                        .collect();
                    (
                        was(e.id),
                        Want::Table {
                            keys,
                            inline: *inline,
                            keep_empty: true,
                        },
                    )
                })
                .collect(),
        ),
        (_, Node::Absent) => Want::Keep,
        (Shape::Bool { nullable }, Node::Text(t)) => match t.as_str() {
            "true" => Want::Value(Value::from(true)),
            // An unticked box: false, written only when the file has the key.
            "false" if !nullable => Want::Default(Value::from(false)),
            "false" => Want::Value(Value::from(false)),
            _ => Want::Absent,
        },
        (_, Node::Text(t)) if t.trim().is_empty() => Want::Absent,
        (shape, Node::Text(t)) => Want::Value(scalar(shape, t)),
        (_, _) => Want::Keep,
    }
}

fn was(id: Id) -> Option<usize> {
    match id {
        Id::Was(i) => Some(i),
        Id::New(_) => None,
    }
}

/// The TOML value of what was typed in an input of `shape`. What does not
/// read as the expected type is written as text: the checks then say so,
/// in the same words as `delib check`, and the file is not saved.
fn scalar(shape: &Shape, typed: &str) -> toml_edit::Value {
    use toml_edit::Value;
    let t = typed.trim();
    match shape {
        Shape::Date => {
            // 27/06/2016, as a clerk may type it where no date picker shows.
            let iso = match t.split('/').collect::<Vec<_>>()[..] {
                [d, m, y] if y.len() == 4 => format!("{y}-{m:0>2}-{d:0>2}"),
                _ => t.to_owned(),
            };
            match iso.parse::<toml_edit::Datetime>() {
                Ok(d) if d.date.is_some() && d.time.is_none() => Value::from(d),
                _ => Value::from(typed.to_owned()),
            }
        }
        Shape::Integer { .. } => {
            let digits: String = t.chars().filter(|c| !c.is_whitespace()).collect();
            match digits.parse::<i64>() {
                Ok(i) => Value::from(i),
                Err(_) => Value::from(typed.to_owned()),
            }
        }
        Shape::Number => {
            let n: String = t
                .chars()
                .filter(|c| !c.is_whitespace())
                .map(|c| if c == ',' { '.' } else { c })
                .collect();
            if let Ok(i) = n.parse::<i64>() {
                Value::from(i)
            } else {
                match n.parse::<f64>() {
                    Ok(f) if f.is_finite() => Value::from(f),
                    _ => Value::from(typed.to_owned()),
                }
            }
        }
        // A browser sends CRLF line ends; the file gets the clerk's own
        // (toml_file writes CRLF again where the file has them).
        _ => Value::from(typed.replace("\r\n", "\n")),
    }
}

/// A TOML path of the written file (`deliberation.visas.3`, indices of the
/// written arrays) as the name of the field that wrote it.
pub fn name_of_path(fields: &[Field], node: &Node, path: &[PathPart]) -> Option<String> {
    let (PathPart::Key(first), rest) = path.split_first()? else {
        return None;
    };
    let f = super::fields::find(fields, first)?;
    let mut name = first.clone();
    walk_name(&f.shape, node.get(first), rest, &mut name);
    Some(name)
}

/// One step of a TOML path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    Key(String),
    Index(usize),
}

fn walk_name(shape: &Shape, node: &Node, path: &[PathPart], name: &mut String) {
    let Some((step, rest)) = path.split_first() else {
        return;
    };
    match (shape, node, step) {
        (Shape::Either(shapes), n, _) => {
            if let Some(s) = pick_node(shapes, n) {
                walk_name(s, n, path, name);
            }
        }
        (Shape::Table { fields, .. }, n, PathPart::Key(k)) => {
            if let Some(f) = super::fields::find(fields, k) {
                name.push('.');
                name.push_str(k);
                walk_name(&f.shape, n.get(k), rest, name);
            }
        }
        (Shape::List(_) | Shape::Tables { .. }, Node::List(items), PathPart::Index(i)) => {
            // The i-th element written is the i-th one not left blank.
            if let Some(e) = items.iter().filter(|e| !e.node.is_blank()).nth(*i) {
                name.push('.');
                name.push_str(&e.id.name());
                let inner = match shape {
                    Shape::List(inner) => (**inner).clone(),
                    Shape::Tables { fields, inline } => Shape::Table {
                        fields: fields.clone(),
                        inline: *inline,
                    },
                    _ => return,
                };
                walk_name(&inner, &e.node, rest, name);
            }
        }
        _ => {}
    }
}

/// Adds an element to the list `name` (the form's « Ajouter »); returns
/// the new element's name.
pub fn add(fields: &[Field], node: &mut Node, name: &str) -> Option<String> {
    let (shape, list) = locate(fields, node, name)?;
    let blank = match &shape {
        Shape::Tables { .. } => Node::Table(Vec::new()),
        _ => Node::Text(String::new()),
    };
    if matches!(list, Node::Absent) {
        *list = Node::List(Vec::new());
    }
    let Node::List(items) = list else {
        return None;
    };
    let next = items
        .iter()
        .filter_map(|e| match e.id {
            Id::New(k) => Some(k),
            Id::Was(_) => None,
        })
        .max()
        .map_or(1, |k| k + 1);
    items.push(Element {
        id: Id::New(next),
        node: blank,
    });
    Some(format!("{name}.n{next}"))
}

/// Removes the element `name` (`….visas.2`) from its list (« Retirer »).
pub fn remove(fields: &[Field], node: &mut Node, name: &str) -> bool {
    let Some((list_name, id)) = name.rsplit_once('.') else {
        return false;
    };
    let Some(id) = Id::parse(id) else {
        return false;
    };
    let Some((_, Node::List(items))) = locate(fields, node, list_name) else {
        return false;
    };
    let before = items.len();
    items.retain(|e| e.id != id);
    items.len() != before
}

/// The shape and the value of the list named `name`.
fn locate<'a>(fields: &[Field], node: &'a mut Node, name: &str) -> Option<(Shape, &'a mut Node)> {
    let parts: Vec<&str> = name.split('.').collect();
    let mut shape = Shape::Table {
        fields: fields.to_vec(),
        inline: false,
    };
    let mut here = node;
    for part in parts {
        let (next_shape, next): (Shape, &'a mut Node) = match (&shape, here) {
            (Shape::Table { fields, .. }, Node::Table(keys)) => {
                let f = super::fields::find(fields, part)?;
                let i = keys.iter().position(|(k, _)| k == part)?;
                let s = match &f.shape {
                    Shape::Either(shapes) => pick_node(shapes, &keys[i].1)
                        .cloned()
                        .unwrap_or(f.shape.clone()),
                    s => s.clone(),
                };
                (s, &mut keys[i].1)
            }
            (Shape::List(inner), Node::List(items)) => {
                let id = Id::parse(part)?;
                let e = items.iter_mut().find(|e| e.id == id)?;
                ((**inner).clone(), &mut e.node)
            }
            (Shape::Tables { fields, inline }, Node::List(items)) => {
                let id = Id::parse(part)?;
                let e = items.iter_mut().find(|e| e.id == id)?;
                if matches!(e.node, Node::Absent) {
                    e.node = Node::Table(Vec::new());
                }
                (
                    Shape::Table {
                        fields: fields.clone(),
                        inline: *inline,
                    },
                    &mut e.node,
                )
            }
            (Shape::Table { fields, .. }, n @ Node::Absent) => {
                // A table not in the file yet: its keys, blank.
                *n = Node::Table(
                    fields
                        .iter()
                        .map(|f| (f.key.clone(), Node::Absent))
                        .collect(),
                );
                let Node::Table(keys) = n else { return None };
                let f = super::fields::find(fields, part)?;
                let i = keys.iter().position(|(k, _)| k == part)?;
                (f.shape.clone(), &mut keys[i].1)
            }
            _ => return None,
        };
        shape = next_shape;
        here = next;
    }
    matches!(shape, Shape::List(_) | Shape::Tables { .. }).then_some((shape, here))
}

/// A finding shown in the form, by the name of its field ("" for the form).
pub struct Shown {
    pub class: &'static str,
    pub html: String,
}

/// Writes the form's fields.
pub struct Renderer<'a> {
    /// Findings by field name.
    pub findings: &'a HashMap<String, Vec<Shown>>,
    /// The field to give the focus to (an element just added).
    pub focus: Option<&'a str>,
    pub out: String,
}

/// `c-` and the name: the id of a field's input.
pub fn input_id(name: &str) -> String {
    format!("c-{name}")
}

impl Renderer<'_> {
    /// The fields of the root table; top-level tables open sections.
    pub fn root(&mut self, fields: &[Field], node: &Node) {
        for f in fields {
            let n = node.get(&f.key);
            let name = f.key.clone();
            match effective(&f.shape, n) {
                Shape::Table { fields: sub, .. } => {
                    // Sections the file does not use are folded.
                    let open = !n.is_blank() || f.required || self.has_findings_below(&name);
                    let _ = write!(
                        self.out,
                        "<details class=\"section\" id=\"s-{}\"{}>\n<summary><h2>{}</h2></summary>\n",
                        esc(&name),
                        if open { " open" } else { "" },
                        esc(&f.label)
                    );
                    self.help(f, &name);
                    self.findings_of(&name);
                    self.table(&sub, n, &name);
                    self.out.push_str("</details>\n");
                }
                shape => self.field(f, &shape, n, &name),
            }
        }
    }

    fn has_findings_below(&self, name: &str) -> bool {
        let prefix = format!("{name}.");
        self.findings
            .keys()
            .any(|k| k == name || k.starts_with(&prefix))
    }

    fn table(&mut self, fields: &[Field], node: &Node, prefix: &str) {
        let mut done: Vec<&str> = Vec::new();
        for f in fields {
            if done.contains(&f.key.as_str()) {
                continue;
            }
            let name = join(prefix, &f.key);
            // « contre » and « contre_noms » side by side: the number, the names.
            let names_key = format!("{}_noms", f.key);
            if let Some(names) = fields.iter().find(|g| g.key == names_key) {
                done.push(&names.key);
                self.out.push_str("<div class=\"cote-a-cote\">\n");
                self.field(
                    f,
                    &effective(&f.shape, node.get(&f.key)),
                    node.get(&f.key),
                    &name,
                );
                let n = node.get(&names.key);
                self.field(
                    names,
                    &effective(&names.shape, n),
                    n,
                    &join(prefix, &names.key),
                );
                self.out.push_str("</div>\n");
                continue;
            }
            let n = node.get(&f.key);
            self.field(f, &effective(&f.shape, n), n, &name);
        }
    }

    fn help(&mut self, f: &Field, name: &str) {
        if let Some(h) = &f.help {
            let _ = writeln!(
                self.out,
                "<p class=\"aide\" id=\"aide-{}\">{}</p>",
                esc(name),
                esc(h)
            );
        }
    }

    /// The findings of one field, as a list (ids `constat-NAME`).
    fn findings_of(&mut self, name: &str) -> bool {
        let Some(list) = self.findings.get(name).filter(|l| !l.is_empty()) else {
            return false;
        };
        let _ = writeln!(
            self.out,
            "<ul class=\"constats-champ\" id=\"constat-{}\">",
            esc(name)
        );
        for s in list {
            let _ = writeln!(self.out, "<li class=\"{}\">{}</li>", s.class, s.html);
        }
        self.out.push_str("</ul>\n");
        true
    }

    fn described_by(&self, f: &Field, name: &str) -> String {
        let mut ids = Vec::new();
        if f.help.is_some() {
            ids.push(format!("aide-{name}"));
        }
        let found = self.findings.get(name).filter(|l| !l.is_empty());
        if found.is_some() {
            ids.push(format!("constat-{name}"));
        }
        if ids.is_empty() {
            return String::new();
        }
        let invalid = if found.is_some_and(|l| l.iter().any(|s| s.class == "erreur")) {
            " aria-invalid=\"true\""
        } else {
            ""
        };
        format!(" aria-describedby=\"{}\"{invalid}", esc(&ids.join(" ")))
    }

    fn required_mark(f: &Field) -> &'static str {
        if f.required {
            " <span class=\"obligatoire\">(obligatoire)</span>"
        } else {
            ""
        }
    }

    fn field(&mut self, f: &Field, shape: &Shape, node: &Node, name: &str) {
        let value = match node {
            Node::Text(t) => t.as_str(),
            _ => "",
        };
        let id = input_id(name);
        match shape {
            Shape::Table { fields, .. } => {
                let _ = writeln!(
                    self.out,
                    "<fieldset class=\"table\" id=\"{}\">\n<legend>{}</legend>",
                    esc(&id),
                    esc(&f.label)
                );
                self.help(f, name);
                self.findings_of(name);
                self.table(fields, node, name);
                self.out.push_str("</fieldset>\n");
            }
            Shape::List(inner) => self.list(f, inner, None, node, name),
            Shape::Tables { fields, .. } => self.list(f, shape, Some(fields), node, name),
            Shape::Bool { nullable: false } => {
                // Unticked, a box sends nothing: the hidden « false » says it was there.
                let _ = write!(
                    self.out,
                    "<div class=\"champ case\">\n<input type=\"hidden\" name=\"{}\" value=\"false\">\n\
<input type=\"checkbox\" id=\"{}\" name=\"{}\" value=\"true\"{}{}{}>\n\
<label for=\"{}\">{}</label>\n",
                    esc(name),
                    esc(&id),
                    esc(name),
                    if value == "true" { " checked" } else { "" },
                    self.described_by(f, name),
                    self.autofocus(name),
                    esc(&id),
                    esc(&f.label),
                );
                self.help(f, name);
                self.findings_of(name);
                self.out.push_str("</div>\n");
            }
            _ => {
                let _ = write!(
                    self.out,
                    "<div class=\"champ\">\n<label for=\"{}\">{}{}</label>\n",
                    esc(&id),
                    esc(&f.label),
                    Self::required_mark(f)
                );
                self.help(f, name);
                self.input(f, shape, value, name, &id);
                self.findings_of(name);
                self.out.push_str("</div>\n");
            }
        }
    }

    fn autofocus(&self, name: &str) -> &'static str {
        if self.focus == Some(name) {
            " autofocus"
        } else {
            ""
        }
    }

    /// The input of a single value.
    fn input(&mut self, f: &Field, shape: &Shape, value: &str, name: &str, id: &str) {
        let attrs = format!(
            "id=\"{}\" name=\"{}\"{}{}{}",
            esc(id),
            esc(name),
            self.described_by(f, name),
            self.autofocus(name),
            if f.required { " required" } else { "" }
        );
        match shape {
            Shape::Text { markdown } if *markdown || value.contains('\n') => {
                let rows = (value.lines().count() + 1).clamp(3, 18);
                // A newline after the tag: the browser drops it, not the text's own.
                let _ = writeln!(
                    self.out,
                    "<textarea {attrs} rows=\"{rows}\" cols=\"80\">\n{}</textarea>",
                    esc(value)
                );
            }
            Shape::Date => {
                let _ = writeln!(
                    self.out,
                    "<input type=\"date\" {attrs} value=\"{}\">",
                    esc(value)
                );
            }
            Shape::Integer { min, max } => {
                let mut range = String::new();
                if let Some(m) = min {
                    let _ = write!(range, " min=\"{m}\"");
                }
                if let Some(m) = max {
                    let _ = write!(range, " max=\"{m}\"");
                }
                let _ = writeln!(
                    self.out,
                    "<input type=\"number\" {attrs}{range} step=\"1\" inputmode=\"numeric\" class=\"nombre\" value=\"{}\">",
                    esc(value)
                );
            }
            Shape::Number => {
                let _ = writeln!(
                    self.out,
                    "<input type=\"number\" {attrs} min=\"0\" step=\"0.01\" inputmode=\"decimal\" class=\"nombre\" value=\"{}\">",
                    esc(value)
                );
            }
            Shape::Bool { .. } => {
                let options = [("", "— non renseigné —"), ("true", "oui"), ("false", "non")];
                self.select(&attrs, value, &options);
            }
            Shape::Choice(values) => {
                let mut options: Vec<(&str, String)> = vec![("", "— non renseigné —".into())];
                options.extend(values.iter().map(|(v, l)| (v.as_str(), l.clone())));
                if !value.is_empty() && !values.iter().any(|(v, _)| v == value) {
                    // A value the list does not have stays shown (the checks say why).
                    options.push((value, value.to_owned()));
                }
                let options: Vec<(&str, &str)> =
                    options.iter().map(|(v, l)| (*v, l.as_str())).collect();
                self.select(&attrs, value, &options);
            }
            _ => {
                let _ = writeln!(
                    self.out,
                    "<input type=\"text\" {attrs} value=\"{}\">",
                    esc(value)
                );
            }
        }
    }

    fn select(&mut self, attrs: &str, value: &str, options: &[(&str, &str)]) {
        let _ = writeln!(self.out, "<select {attrs}>");
        for (v, label) in options {
            let _ = writeln!(
                self.out,
                "<option value=\"{}\"{}>{}</option>",
                esc(v),
                if *v == value { " selected" } else { "" },
                esc(label)
            );
        }
        self.out.push_str("</select>\n");
    }

    /// A list that grows and shrinks: each element with « Retirer », then
    /// « Ajouter ». The buttons post the form (nothing is saved); the page's
    /// script does the same in place.
    fn list(
        &mut self,
        f: &Field,
        inner: &Shape,
        tables: Option<&Vec<Field>>,
        node: &Node,
        name: &str,
    ) {
        let id = input_id(name);
        let _ = writeln!(
            self.out,
            "<fieldset class=\"liste\" id=\"{}\">\n<legend>{}</legend>",
            esc(&id),
            esc(&f.label)
        );
        self.help(f, name);
        self.findings_of(name);
        let items: &[Element] = match node {
            Node::List(items) => items,
            _ => &[],
        };
        let _ = writeln!(
            self.out,
            "<input type=\"hidden\" name=\"_liste\" value=\"{}\">\n<ol class=\"elements\">",
            esc(name)
        );
        for (i, e) in items.iter().enumerate() {
            let item_name = format!("{name}.{}", e.id.name());
            self.element(f, inner, tables, &e.node, &item_name, i + 1);
        }
        self.out.push_str("</ol>\n");
        let _ = writeln!(
            self.out,
            "<p class=\"ajout\"><button type=\"submit\" name=\"_action\" value=\"ajouter:{}\" class=\"ajouter\" formnovalidate>Ajouter<span class=\"lecteur\"> à « {} »</span></button></p>",
            esc(name),
            esc(&f.label)
        );
        self.out.push_str("</fieldset>\n");
    }

    fn element(
        &mut self,
        f: &Field,
        inner: &Shape,
        tables: Option<&Vec<Field>>,
        node: &Node,
        name: &str,
        number: usize,
    ) {
        let id = input_id(name);
        let remove = format!(
            "<button type=\"submit\" name=\"_action\" value=\"retirer:{}\" class=\"retirer\" formnovalidate>Retirer<span class=\"lecteur\"> l'élément {number} de « {} »</span></button>",
            esc(name),
            esc(&f.label)
        );
        match tables {
            Some(fields) => {
                let _ = writeln!(
                    self.out,
                    "<li class=\"element\">\n<fieldset class=\"table\" id=\"{}\">\n<legend>{} – n° {number}</legend>",
                    esc(&id),
                    esc(&f.label)
                );
                self.findings_of(name);
                self.table(fields, node, name);
                let _ = writeln!(self.out, "<p>{remove}</p>\n</fieldset>\n</li>");
            }
            None => {
                let value = match node {
                    Node::Text(t) => t.as_str(),
                    _ => "",
                };
                let item = Field {
                    key: String::new(),
                    label: format!("n° {number}"),
                    help: None,
                    required: false,
                    shape: inner.clone(),
                };
                let _ = writeln!(
                    self.out,
                    "<li class=\"element\">\n<label for=\"{}\"><span class=\"lecteur\">{} </span>n° {number}</label>",
                    esc(&id),
                    esc(&f.label)
                );
                self.input(&item, inner, value, name, &id);
                let _ = writeln!(self.out, "{remove}");
                self.findings_of(name);
                self.out.push_str("</li>\n");
            }
        }
    }
}

/// The shape a field is shown with: an `Either` resolved by its value.
fn effective(shape: &Shape, node: &Node) -> Shape {
    match shape {
        Shape::Either(shapes) => pick_node(shapes, node).cloned().unwrap_or(shape.clone()),
        s => s.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fields::FileKind;
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn a_posted_form_reads_back_with_its_elements() {
        let fields = FileKind::Dossier.fields();
        let p = pairs(&[
            ("seance", "seances/s.toml"),
            ("deliberation.objet", "Objet"),
            ("deliberation.visas.1", "deuxième"),
            ("deliberation.visas.n1", "nouveau"),
            ("deliberation.visas.0", "premier"),
            ("deliberation.vote.pour", "12"),
            ("convention.parties.0.nom", "Ville"),
            ("convention.parties.n2.nom", ""),
        ]);
        let node = Posted::new(&p).table(&fields, "");
        assert_eq!(node.get("seance"), &Node::Text("seances/s.toml".into()));
        let d = node.get("deliberation");
        let Node::List(visas) = d.get("visas") else {
            panic!("{d:?}")
        };
        let ids: Vec<Id> = visas.iter().map(|e| e.id).collect();
        assert_eq!(ids, [Id::Was(1), Id::New(1), Id::Was(0)]);
        let want = to_want(&fields, &node);
        let (_, Want::Table { keys, .. }) = &want[3] else {
            panic!("{want:?}")
        };
        let visas = &keys.iter().find(|(k, _)| k == "visas").unwrap().1;
        let Want::Array(v) = visas else { panic!() };
        assert_eq!(
            v.iter().map(|(o, _)| *o).collect::<Vec<_>>(),
            [Some(1), None, Some(0)]
        );
        // The blank new party is left out.
        let (_, Want::Table { keys, .. }) = &want[4] else {
            panic!()
        };
        let Want::Array(parties) = &keys.iter().find(|(k, _)| k == "parties").unwrap().1 else {
            panic!()
        };
        assert_eq!(parties.len(), 1);
    }

    #[test]
    fn typed_values_become_toml_values() {
        assert_eq!(scalar(&Shape::Date, "2016-06-27").to_string(), "2016-06-27");
        assert_eq!(scalar(&Shape::Date, "27/6/2016").to_string(), "2016-06-27");
        assert_eq!(scalar(&Shape::Date, "hier").to_string(), "\"hier\"");
        let int = Shape::Integer {
            min: None,
            max: None,
        };
        assert_eq!(scalar(&int, "1 500").to_string(), "1500");
        assert_eq!(scalar(&int, "douze").to_string(), "\"douze\"");
        assert_eq!(scalar(&Shape::Number, "52,50").to_string(), "52.5");
        assert_eq!(
            scalar(&Shape::Text { markdown: true }, "a\r\nb").to_string(),
            "\"\"\"\na\nb\"\"\""
        );
    }

    #[test]
    fn add_and_remove_elements() {
        let fields = FileKind::Dossier.fields();
        let p = pairs(&[("deliberation.objet", "O"), ("deliberation.visas.0", "a")]);
        let mut node = Posted::new(&p).table(&fields, "");
        assert_eq!(
            add(&fields, &mut node, "deliberation.visas").as_deref(),
            Some("deliberation.visas.n1")
        );
        assert_eq!(
            add(&fields, &mut node, "convention.parties").as_deref(),
            Some("convention.parties.n1")
        );
        assert!(remove(&fields, &mut node, "deliberation.visas.0"));
        assert!(!remove(&fields, &mut node, "deliberation.visas.0"));
        let Node::List(v) = node.get("deliberation").get("visas") else {
            panic!()
        };
        assert_eq!(v.len(), 1);
        assert_eq!(add(&fields, &mut node, "deliberation.objet"), None);
    }
}
