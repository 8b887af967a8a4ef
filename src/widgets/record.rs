//! The one stylesheet of records and their forms (edit forms, actions row, conflict compare table,
//! search results, audit log), shared so that each class is declared once.

stylance::import_crate_style!(#[allow(dead_code)] pub css, "src/widgets/record.module.css");
