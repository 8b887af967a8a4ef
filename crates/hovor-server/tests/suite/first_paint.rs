//! The first paint of `/desk/{id}`: the task list and the conversation's latest messages drawn into the
//! app's page for a user who may see the conversation, as text, never cached; the plain page for
//! anyone else.

use crate::common::TestServer;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

const INDEX: &str = "<!doctype html><html><head><title>Hovor</title></head><body></body></html>";

/// The page's status, `Cache-Control` and text.
async fn page(server: &TestServer, path: &str, cookie: Option<&str>) -> (StatusCode, String, String) {
    let mut request = Request::builder().uri(path);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let response = server.router.clone().oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status();
    let cache = response.headers()[header::CACHE_CONTROL].to_str().unwrap().to_owned();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, cache, String::from_utf8(bytes.to_vec()).unwrap())
}

#[tokio::test]
async fn a_conversation_is_drawn_into_its_page_only_for_whoever_may_see_it() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(dist.path().join("index.html"), INDEX).unwrap();
    let mut server = TestServer::new().await;
    server.router = hovor_server::app(server.state.clone(), Some(dist.path())).unwrap();

    // A waiting chat, whose customer writes markup, and an agent of its queue.
    let queue = server.queue_id(0).await;
    let member = server.agent_in(queue).await;
    let customer = server.start_chat(queue, "Zoë <b>Bold</b>").await;
    let markup = r#"<img src=x onerror="alert(1)"> & "nothing" else"#;
    let sent = server
        .request("POST", "/api/chat/messages", Some(&customer.cookie), Some(json!({"body": markup})))
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.json);
    let path = format!("/desk/{}", customer.conversation_id);

    let agent = server.sign_in(&member).await;
    let (status, cache, html) = page(&server, &path, Some(&agent)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(cache, "no-store", "the agent's data is never cached");
    assert!(
        html.starts_with("<!doctype html><html><head><title>Hovor</title></head><body><div id=\"prepaint\"")
    );
    assert!(html.ends_with("</div></div></body></html>"), "the page around it is untouched");
    assert!(html.contains("&lt;img src=x onerror=\"alert(1)\"&gt; &amp; \"nothing\" else"), "{html}");
    assert!(!html.contains("<img"), "a message is drawn as text: {html}");
    // The agent's own conversations are listed beside it.
    let tasks = server.request("GET", "/api/tasks", Some(&agent), None).await.json;
    let first = tasks[0]["customer_name"].as_str().expect("the demo gives its agents conversations");
    assert!(html.contains(&html_escape::encode_text(first).to_string()), "{html}");

    // Someone outside the queue, a signed-out browser, an id that is no number, a conversation that
    // does not exist: the plain page, which says nothing about the conversation.
    let outsider = server.agent_outside(queue).await;
    let outsider = server.sign_in(&outsider).await;
    for (path, cookie) in [
        (path.as_str(), Some(outsider.as_str())),
        (path.as_str(), None),
        ("/desk/abc", Some(agent.as_str())),
        ("/desk/999999999", Some(agent.as_str())),
    ] {
        let (status, cache, html) = page(&server, path, cookie).await;
        assert_eq!((status, cache.as_str(), html.as_str()), (StatusCode::OK, "no-cache", INDEX), "{path}");
    }
}
