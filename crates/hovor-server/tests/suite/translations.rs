//! Configured texts in the desk's languages: the demo's translations, the administrator's edits, and
//! the customer's chat page in their language.

use axum::http::StatusCode;
use serde_json::json;

use crate::common::TestServer;

#[tokio::test]
async fn configured_texts_come_in_each_language_and_the_customers_answers_stay_as_configured() {
    let server = TestServer::new().await;
    let agent = server.sign_in("agent1").await;
    let queue = server.queue_id(0).await;
    let queue_name: String = sqlx::query_scalar("SELECT name FROM queues WHERE id = $1")
        .bind(queue)
        .fetch_one(&server.pool)
        .await
        .unwrap();

    // The demo's configuration exists in every language of the desk.
    for language in ["cs", "bg", "uk"] {
        let got = server.request("GET", &format!("/api/translations/{language}"), Some(&agent), None).await;
        assert_eq!(got.status, StatusCode::OK);
        let name =
            got.json[&queue_name].as_str().unwrap_or_else(|| panic!("{language}: {queue_name} untranslated"));
        assert_ne!(name, queue_name);
        for reason in ["Resolved on first contact", "Complaint", "What can we help you with?"] {
            assert!(got.json[reason].is_string(), "{language}: {reason:?} untranslated");
        }
    }
    let refused = server.request("GET", "/api/translations/de", Some(&agent), None).await;
    assert_eq!(
        (refused.status, refused.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("language"))
    );
    assert_eq!(
        server.request("GET", "/api/translations/cs", None, None).await.status,
        StatusCode::UNAUTHORIZED
    );

    // Only an administrator translates, and a translation names a language and both texts.
    let mine = json!({"source": queue_name, "language": "cs", "text": "Fakturace"});
    assert_eq!(
        server.request("PUT", "/api/admin/translations", Some(&agent), Some(mine.clone())).await.status,
        StatusCode::FORBIDDEN
    );
    let admin = server.sign_in("admin").await;
    assert_eq!(
        server.request("PUT", "/api/admin/translations", Some(&admin), Some(mine)).await.status,
        StatusCode::NO_CONTENT
    );
    let cs = server.request("GET", "/api/translations/cs", Some(&agent), None).await.json;
    assert_eq!(cs[&queue_name], "Fakturace", "a second translation replaces the first");
    let empty = json!({"source": queue_name, "language": "cs", "text": " "});
    let refused = server.request("PUT", "/api/admin/translations", Some(&admin), Some(empty)).await;
    assert_eq!(
        (refused.status, refused.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("text"))
    );

    // The customer's page asks in their language: names and labels translated, answers as configured.
    let setup = server.request("GET", &format!("/api/chat/queues/{queue}?lang=uk"), None, None).await.json;
    let uk = server.request("GET", "/api/translations/uk", Some(&agent), None).await.json;
    assert_eq!(setup["queue_name"], uk[&queue_name]);
    let language = setup["survey"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| !q["options"].as_array().unwrap().is_empty())
        .unwrap();
    assert_eq!(language["label"], uk["Preferred language"]);
    assert_eq!(
        language["options"].as_array().unwrap().len(),
        language["option_labels"].as_array().unwrap().len()
    );
    let configured = server.request("GET", &format!("/api/chat/queues/{queue}"), None, None).await.json;
    assert_eq!(configured["queue_name"], queue_name, "without a language, as configured");
    assert_eq!(configured["survey"][0]["label"], "What can we help you with?");
    let unknown = server.request("GET", &format!("/api/chat/queues/{queue}?lang=xx"), None, None).await.json;
    assert_eq!(unknown["queue_name"], queue_name);
}
