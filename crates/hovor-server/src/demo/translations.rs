//! The demo's configuration in the desk's other languages: each configured English text (queues,
//! skills, survey questions, wrap-up reasons, tags and response categories) in Czech, Bulgarian and
//! Ukrainian.

use sqlx::Transaction;

use super::content::ALL;
use crate::db::Db;

/// (English, Czech, Bulgarian, Ukrainian)
pub const TRANSLATIONS: &[(&str, &str, &str, &str)] = &[
    // Queues (and the categories named like them).
    ("Billing and payments", "Vyúčtování a platby", "Сметки и плащания", "Рахунки та платежі"),
    ("Technical support", "Technická podpora", "Техническа поддръжка", "Технічна підтримка"),
    ("Orders and delivery", "Objednávky a doručení", "Поръчки и доставка", "Замовлення та доставка"),
    ("Sales and contracts", "Prodej a smlouvy", "Продажби и договори", "Продажі та договори"),
    // Skills.
    ("Billing", "Vyúčtování", "Сметки", "Рахунки"),
    ("Czech", "Čeština", "Чешки", "Чеська"),
    ("English", "Angličtina", "Английски", "Англійська"),
    ("Internet", "Internet", "Интернет", "Інтернет"),
    ("Mobile", "Mobilní služby", "Мобилни услуги", "Мобільний зв’язок"),
    ("Devices", "Zařízení", "Устройства", "Пристрої"),
    ("E-shop", "E-shop", "Онлайн магазин", "Інтернет-магазин"),
    ("Bulgarian", "Bulharština", "Български", "Болгарська"),
    ("Ukrainian", "Ukrajinština", "Украински", "Українська"),
    ("Contracts", "Smlouvy", "Договори", "Договори"),
    ("Retention", "Udržení zákazníků", "Задържане на клиенти", "Утримання клієнтів"),
    // Call-associated data.
    ("Case number", "Číslo případu", "Номер на случая", "Номер справи"),
    ("Call back at", "Zavolat zpět v", "Обратно обаждане в", "Передзвонити о"),
    (
        "Card's last 4 digits",
        "Poslední 4 číslice karty",
        "Последните 4 цифри на картата",
        "Останні 4 цифри картки",
    ),
    // The pre-chat survey.
    (
        "What can we help you with?",
        "S čím vám můžeme pomoci?",
        "С какво можем да помогнем?",
        "Чим ми можемо допомогти?",
    ),
    (
        "Customer or order number",
        "Číslo zákazníka nebo objednávky",
        "Клиентски номер или номер на поръчка",
        "Номер клієнта або замовлення",
    ),
    ("Preferred language", "Preferovaný jazyk", "Предпочитан език", "Бажана мова"),
    // Wrap-up reasons.
    (
        "Resolved on first contact",
        "Vyřešeno při prvním kontaktu",
        "Решено при първия контакт",
        "Вирішено з першого звернення",
    ),
    ("Information provided", "Informace poskytnuty", "Предоставена информация", "Надано інформацію"),
    ("Complaint registered", "Reklamace zaevidována", "Регистрирана рекламация", "Скаргу зареєстровано"),
    (
        "Follow-up scheduled",
        "Naplánováno další kontaktování",
        "Насрочено последващо обаждане",
        "Заплановано повторний контакт",
    ),
    (
        "Transferred to specialist",
        "Předáno specialistovi",
        "Прехвърлено към специалист",
        "Передано спеціалісту",
    ),
    ("Customer left", "Zákazník odešel", "Клиентът напусна", "Клієнт пішов"),
    ("Duplicate request", "Duplicitní požadavek", "Дублирана заявка", "Дубльований запит"),
    ("Not our customer", "Není náš zákazník", "Не е наш клиент", "Не наш клієнт"),
    // Tags.
    ("VIP", "VIP", "VIP", "VIP"),
    ("Complaint", "Reklamace", "Рекламация", "Скарга"),
    ("Refund", "Vrácení peněz", "Възстановяване", "Повернення коштів"),
    ("Callback", "Zpětné volání", "Обратно обаждане", "Зворотний дзвінок"),
    // Response categories.
    ("Greetings", "Pozdravy", "Поздрави", "Привітання"),
    ("Account and sign-in", "Účet a přihlášení", "Профил и вход", "Обліковий запис і вхід"),
    ("Contracts and plans", "Smlouvy a tarify", "Договори и планове", "Договори та тарифи"),
    ("Complaints", "Stížnosti", "Оплаквания", "Скарги"),
    ("Closing", "Závěr", "Приключване", "Завершення"),
];

/// Writes the translations: the table above, and the pre-chat survey's questions and answers of each
/// language's content as translations of the English ones.
pub async fn create(tx: &mut Transaction<'_, Db>) -> anyhow::Result<()> {
    let mut pairs: Vec<(&str, &str, &str)> = Vec::new();
    for (en, cs, bg, uk) in TRANSLATIONS {
        pairs.extend([("cs", *en, *cs), ("bg", *en, *bg), ("uk", *en, *uk)]);
    }
    let configured = ALL[0];
    for language in &ALL[1..] {
        for (q, theirs) in configured.survey.iter().zip(language.survey) {
            pairs.push((language.code, q.question, theirs.question));
            pairs.extend(q.answers.iter().zip(theirs.answers).map(|(en, t)| (language.code, *en, *t)));
        }
    }
    for (language, source, text) in pairs {
        sqlx::query(
            "INSERT INTO translations (source, language, text) VALUES ($1, $2, $3) ON CONFLICT (source, language) DO NOTHING",
        )
        .bind(source)
        .bind(language)
        .bind(text)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
