//! Demo customers: people with several phones, emails and addresses, and companies with a primary contact.

use crate::db::Db;
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use sqlx::Transaction;

use super::content::{ALL, LanguageContent};
use super::{
    DUPLICATE_CUSTOMER, HEAVY_CUSTOMER, LIGHT_CUSTOMER, RETURNING_CUSTOMER, Scale, TWIN_SEED, reseed,
};

#[derive(Clone)]
pub struct Customer {
    pub id: i64,
    pub name: String,
    pub language: &'static LanguageContent,
}

pub struct Directory {
    pub customers: Vec<Customer>,
    pub heavy: Customer,
    pub light: Customer,
    /// A returning customer with a long history across channels ([`RETURNING`]).
    pub returning: Customer,
    /// The same person entered again without diacritics: a duplicate to merge ([`DUPLICATE`]).
    pub duplicate: Customer,
}

/// The returning customer: her details, for journeys that search, open and merge her.
pub const RETURNING: Person = Person {
    first: RETURNING_CUSTOMER.0,
    last: RETURNING_CUSTOMER.1,
    details: &[
        ("phone", "+420 602 123 456", "mobile", true),
        ("phone", "+420 222 333 444", "work", false),
        ("email", "bozena.stastna@seznam.cz", "personal", true),
        ("identifier", "C-10427", "Customer number", false),
    ],
    street: "Vinohradská 112",
};

/// Her duplicate: no diacritics, another email, the same mobile written differently, a loyalty card.
pub const DUPLICATE: Person = Person {
    first: DUPLICATE_CUSTOMER.0,
    last: DUPLICATE_CUSTOMER.1,
    details: &[
        ("phone", "+420 602-123-456", "mobile", true),
        ("email", "bozena.stastna@gmail.com", "personal", true),
        ("identifier", "LC-88120", "Loyalty card", false),
    ],
    street: "Vinohradská 112",
};

/// A demo person with fixed details: (kind, value, label, default).
pub struct Person {
    pub first: &'static str,
    pub last: &'static str,
    pub details: &'static [(&'static str, &'static str, &'static str, bool)],
    pub street: &'static str,
}

/// The returning customer's company, with its city.
pub const RETURNING_ACCOUNT: (&str, &str, &str) = ("Pekárna Šťastný s.r.o.", "Praha", "+420 222 333 400");

const EMAIL_DOMAINS: [&str; 6] = ["seznam.cz", "email.cz", "gmail.com", "abv.bg", "ukr.net", "outlook.com"];

pub async fn create(
    tx: &mut Transaction<'_, Db>,
    rng: &mut StdRng,
    scale: &Scale,
) -> anyhow::Result<Directory> {
    let mut customers = Vec::with_capacity(scale.contacts);
    for i in 0..scale.contacts {
        let language = ALL[i % ALL.len()];
        let female = rng.random_bool(0.5);
        let (first_names, last_names) = if female {
            (language.female_first, language.female_last)
        } else {
            (language.male_first, language.male_last)
        };
        let first = pick(rng, first_names)?;
        let last = pick(rng, last_names)?;
        customers.push(insert_contact(tx, rng, language, first, last).await?);
    }
    let saved = reseed(rng, TWIN_SEED);
    let heavy = insert_contact(tx, rng, ALL[3], HEAVY_CUSTOMER.0, HEAVY_CUSTOMER.1).await;
    reseed(rng, TWIN_SEED);
    let light = insert_contact(tx, rng, ALL[3], LIGHT_CUSTOMER.0, LIGHT_CUSTOMER.1).await;
    *rng = saved;
    let (heavy, light) = (heavy?, light?);

    // Companies: each takes a few of the people as employees, the first as its primary contact.
    for (a, chunk) in
        customers.chunks(scale.contacts.div_ceil(scale.accounts).max(1)).take(scale.accounts).enumerate()
    {
        let language = ALL[a % ALL.len()];
        let city = language.cities.choose(rng).ok_or_else(|| anyhow::anyhow!("no cities"))?;
        let employees = &chunk[..chunk.len().min(rng.random_range(1..=3))];
        let name = language.company_names[a / ALL.len() % language.company_names.len()];
        let phone = phone(rng, language);
        let account_id =
            insert_account(tx, name, city.name, language.country, &phone, employees[0].id).await?;
        for employee in employees {
            sqlx::query("UPDATE contacts SET account_id = $1 WHERE id = $2")
                .bind(account_id)
                .bind(employee.id)
                .execute(&mut **tx)
                .await?;
        }
    }
    // Every fifth customer has a customer number; the benchmark twins have none, so they stay alike.
    for customer in customers.iter().filter(|c| c.id % 5 == 0) {
        insert_point(
            tx,
            customer.id,
            "identifier",
            &format!("C-{}", 20_000 + customer.id * 7),
            "Customer number",
            false,
        )
        .await?;
    }
    let returning = insert_person(tx, &RETURNING).await?;
    let duplicate = insert_person(tx, &DUPLICATE).await?;
    let (name, city, phone) = RETURNING_ACCOUNT;
    let account_id = insert_account(tx, name, city, "Česko", phone, returning.id).await?;
    // The returning customer's company has more than one of everything.
    sqlx::query(
        "INSERT INTO contact_points (account_id, kind, value, label, is_default) VALUES
             ($1, 'phone', '+420 222 900 100', 'reception', 0),
             ($1, 'email', 'objednavky@pekarna-stastny.cz', 'orders', 1),
             ($1, 'email', 'fakturace@pekarna-stastny.cz', 'billing', 0),
             ($1, 'identifier', 'CZ27364519', 'VAT number', 0)",
    )
    .bind(account_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO addresses (account_id, label, street, city, postcode, country) VALUES
             ($1, 'head office', 'Vinohradská 48', 'Praha 2', '120 00', 'Česko'),
             ($1, 'warehouse', 'Průmyslová 7', 'Říčany', '251 01', 'Česko')",
    )
    .bind(account_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE contacts SET account_id = $1 WHERE id = $2")
        .bind(account_id)
        .bind(returning.id)
        .execute(&mut **tx)
        .await?;
    Ok(Directory { customers, heavy, light, returning, duplicate })
}

/// A Czech customer with exactly the given details and one home address in Prague.
async fn insert_person(tx: &mut Transaction<'_, Db>, person: &Person) -> anyhow::Result<Customer> {
    let language = ALL[1];
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO contacts (first_name, last_name, language) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(person.first)
    .bind(person.last)
    .bind(language.code)
    .fetch_one(&mut **tx)
    .await?;
    for (kind, value, label, is_default) in person.details {
        insert_point(tx, id, kind, value, label, *is_default).await?;
    }
    sqlx::query(
        "INSERT INTO addresses (contact_id, label, street, city, postcode, country) VALUES ($1, 'home', $2, 'Praha', '120 00', $3)",
    )
    .bind(id)
    .bind(person.street)
    .bind(language.country)
    .execute(&mut **tx)
    .await?;
    Ok(Customer { id, name: format!("{} {}", person.first, person.last), language })
}

fn pick<'a>(rng: &mut StdRng, items: &[&'a str]) -> anyhow::Result<&'a str> {
    items.choose(rng).copied().ok_or_else(|| anyhow::anyhow!("empty demo word list"))
}

async fn insert_contact(
    tx: &mut Transaction<'_, Db>,
    rng: &mut StdRng,
    language: &'static LanguageContent,
    first: &str,
    last: &str,
) -> anyhow::Result<Customer> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO contacts (first_name, last_name, language) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(first)
    .bind(last)
    .bind(language.code)
    .fetch_one(&mut **tx)
    .await?;
    let phones = rng.random_range(1..=3);
    for (n, label) in ["mobile", "work", "home"].into_iter().take(phones).enumerate() {
        insert_point(tx, id, "phone", &phone(rng, language), label, n == 0).await?;
    }
    let local = format!("{}.{}", latin(first), latin(last)).to_lowercase().replace(' ', "");
    let emails = rng.random_range(1..=2);
    for n in 0..emails {
        let domain = EMAIL_DOMAINS.choose(rng).unwrap_or(&"example.com");
        let (value, label) = if n == 0 {
            (format!("{local}@{domain}"), "personal")
        } else {
            (format!("{local}{}@work.example", id), "work")
        };
        insert_point(tx, id, "email", &value, label, n == 0).await?;
    }
    for label in ["home", "billing"].into_iter().take(rng.random_range(1..=2)) {
        let city = language.cities.choose(rng).ok_or_else(|| anyhow::anyhow!("no cities"))?;
        sqlx::query(
            "INSERT INTO addresses (contact_id, label, street, city, postcode, country) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(label)
        .bind(format!("{} {}", pick(rng, language.streets)?, rng.random_range(1..=180)))
        .bind(city.name)
        .bind(city.postcode)
        .bind(language.country)
        .execute(&mut **tx)
        .await?;
    }
    Ok(Customer { id, name: format!("{first} {last}"), language })
}

/// An account with its phone (the default) and its primary contact.
async fn insert_account(
    tx: &mut Transaction<'_, Db>,
    name: &str,
    city: &str,
    country: &str,
    phone: &str,
    primary_contact: i64,
) -> anyhow::Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO accounts (name, city, country, primary_contact_id) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(name)
    .bind(city)
    .bind(country)
    .bind(primary_contact)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query("INSERT INTO contact_points (account_id, kind, value, label, is_default) VALUES ($1, 'phone', $2, '', 1)")
        .bind(id)
        .bind(phone)
        .execute(&mut **tx)
        .await?;
    Ok(id)
}

async fn insert_point(
    tx: &mut Transaction<'_, Db>,
    contact_id: i64,
    kind: &str,
    value: &str,
    label: &str,
    is_default: bool,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO contact_points (contact_id, kind, value, label, is_default) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(contact_id)
    .bind(kind)
    .bind(value)
    .bind(label)
    .bind(i64::from(is_default))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A local number in the country's usual grouping, e.g. "+420 602 123 456".
fn phone(rng: &mut StdRng, language: &LanguageContent) -> String {
    format!(
        "{} {} {:03} {:03}",
        language.phone_prefix,
        rng.random_range(600..=799),
        rng.random_range(0..1000),
        rng.random_range(0..1000)
    )
}

/// ASCII spelling for e-mail addresses: diacritics dropped, Cyrillic transliterated.
fn latin(s: &str) -> String {
    hovor_types::text::fold(s)
        .chars()
        .map(|c| {
            match c {
                'а' => "a",
                'б' => "b",
                'в' => "v",
                'г' => "h",
                'ґ' => "g",
                'д' => "d",
                'е' => "e",
                'є' => "ye",
                'ж' => "zh",
                'з' => "z",
                'и' => "y",
                'і' => "i",
                'ї' => "yi",
                'й' => "y",
                'к' => "k",
                'л' => "l",
                'м' => "m",
                'н' => "n",
                'о' => "o",
                'п' => "p",
                'р' => "r",
                'с' => "s",
                'т' => "t",
                'у' => "u",
                'ф' => "f",
                'х' => "kh",
                'ц' => "ts",
                'ч' => "ch",
                'ш' => "sh",
                'щ' => "sht",
                'ъ' => "a",
                'ь' => "",
                'ю' => "yu",
                'я' => "ya",
                c if c.is_ascii_alphanumeric() => return c.to_string(),
                _ => "",
            }
            .to_owned()
        })
        .collect()
}
