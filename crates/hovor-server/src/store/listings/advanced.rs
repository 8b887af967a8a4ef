//! The Advanced filter's conditions as SQL: each column's expression and each operator's test are
//! fixed text; only the values are the caller's, bound as parameters.

use hovor_types::listing::advanced::{AdvancedColumn, Checked, ColumnKind, Operator, Value};

use super::ATTACHMENTS;

/// What a column shows, as an expression on the interaction `c` (NULL for no value).
fn expression(column: AdvancedColumn) -> &'static str {
    match column {
        AdvancedColumn::Queue => "(SELECT aq.name FROM queues aq WHERE aq.id = c.queue_id)",
        AdvancedColumn::User => "(SELECT au.display_name FROM users au WHERE au.id = c.agent_id)",
        AdvancedColumn::Contact => {
            "(SELECT ak.first_name || ' ' || ak.last_name FROM contacts ak WHERE ak.id = c.contact_id)"
        }
        AdvancedColumn::Case => "(SELECT a_s.number || ' · ' || a_s.title FROM cases a_s WHERE a_s.id = c.case_id)",
        AdvancedColumn::Title => "COALESCE(c.subject, c.customer_name)",
        AdvancedColumn::Attachments => ATTACHMENTS,
        AdvancedColumn::Text => {
            "(SELECT am.body FROM messages am WHERE am.conversation_id = c.id ORDER BY am.at, am.id LIMIT 1)"
        }
        AdvancedColumn::Status => "c.status",
        AdvancedColumn::Direction => "c.direction",
        // As the row shows it: an outbound email's last delivery.
        AdvancedColumn::EmailState => {
            "(CASE WHEN c.direction = 'outbound' THEN (SELECT ae.status FROM emails ae
               WHERE ae.conversation_id = c.id AND ae.kind <> 'received' ORDER BY ae.message_id DESC LIMIT 1) END)"
        }
        AdvancedColumn::Rating => "c.rating",
        AdvancedColumn::Comment => {
            "(SELECT af.comment FROM feedback_answers af WHERE af.conversation_id = c.id
               AND af.comment IS NOT NULL ORDER BY af.id LIMIT 1)"
        }
    }
}

/// ` AND (…)` for each condition, its value (if any) the parameter `$first`, then the next.
pub fn sql(conditions: &[Checked], first: usize) -> String {
    let mut next = first;
    let mut sql = String::new();
    for condition in conditions {
        let param = if condition.value == Value::None {
            String::new()
        } else {
            next += 1;
            format!("${}", next - 1)
        };
        sql.push_str(" AND (");
        sql.push_str(&test(condition.column, condition.op, &param));
        sql.push(')');
    }
    sql
}

/// One condition's test of its column against `param`.
fn test(column: AdvancedColumn, op: Operator, param: &str) -> String {
    if column == AdvancedColumn::Rating
        && let Some(test) = rating_test(op, param)
    {
        return test;
    }
    let expr = expression(column);
    // Text compares lower-cased (the value is already), with no value as the empty text.
    let text = format!("lower(COALESCE({expr}, ''))");
    let number = matches!(column.kind(), ColumnKind::Number);
    match op {
        Operator::Contains => format!("instr({text}, {param}) > 0"),
        Operator::NotContains => format!("instr({text}, {param}) = 0"),
        Operator::Is if number => format!("{expr} = {param}"),
        Operator::IsNot if number => format!("{expr} IS NULL OR {expr} <> {param}"),
        Operator::Is => format!("{text} = {param}"),
        Operator::IsNot => format!("{text} <> {param}"),
        Operator::Above => format!("{expr} > {param}"),
        Operator::Below => format!("{expr} < {param}"),
        Operator::Empty if number => format!("{expr} IS NULL"),
        Operator::NotEmpty if number => format!("{expr} IS NOT NULL"),
        Operator::Empty => format!("COALESCE({expr}, '') = ''"),
        Operator::NotEmpty => format!("COALESCE({expr}, '') <> ''"),
    }
}

/// A rating's test, on the key the Rating column sorts by (`COALESCE(rating, 0)`, 0 for none; a
/// rating is 1–5), so a page sorted by rating walks only the ratings asked for in its index.
fn rating_test(op: Operator, param: &str) -> Option<String> {
    const KEY: &str = "COALESCE(c.rating, 0)";
    Some(match op {
        Operator::Is => format!("{KEY} = {param}"),
        Operator::IsNot => format!("{KEY} <> {param}"),
        Operator::Above => format!("{KEY} > {param}"),
        Operator::Below => format!("{KEY} < {param} AND {KEY} > 0"),
        Operator::Empty => format!("{KEY} = 0"),
        Operator::NotEmpty => format!("{KEY} > 0"),
        // Not offered for a number (`AdvancedColumn::operators`).
        Operator::Contains | Operator::NotContains => return None,
    })
}

/// Binds the conditions' values after a statement's other parameters, in [`sql`]'s order.
macro_rules! bind_advanced {
    ($query:expr, $filter:expr) => {{
        let mut query = $query;
        for condition in &$filter.advanced {
            query = match &condition.value {
                hovor_types::listing::advanced::Value::None => query,
                hovor_types::listing::advanced::Value::Text(text) => query.bind(text.clone()),
                hovor_types::listing::advanced::Value::Number(n) => query.bind(*n),
            };
        }
        query
    }};
}
pub(super) use bind_advanced;
