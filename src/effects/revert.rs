//! Planning a revert for the dashboard off the loop: the run's journal is
//! read in a blocking task, then the targets it changed are read again
//! through the worker's client; the plan (or why there is none) comes back
//! as [`FleetNews::Revert`].

use tokio::sync::mpsc;

use crate::api::Client;
use crate::fleet::{RunId, RunsDir, load_revert, read_revert};
use crate::message::{FleetNews, Msg};

/// Plans the revert of run `id`; nothing is sent.
pub fn load(client: Client, runs: Option<RunsDir>, id: RunId, sender: mpsc::UnboundedSender<Msg>) {
    let send = move |revert| {
        let _ = sender.send(Msg::Fleet(Box::new(FleetNews::Revert(revert))));
    };
    let Some(runs) = runs else {
        send(Err(
            "this session keeps no journal of bulk runs, so there is none to revert".to_owned(),
        ));
        return;
    };
    tokio::spawn(async move {
        let loaded = tokio::task::spawn_blocking(move || load_revert(&runs, &id)).await;
        let loaded = match loaded {
            Ok(Ok(loaded)) => loaded,
            Ok(Err(why)) => return send(Err(why)),
            Err(error) => return send(Err(error.to_string())),
        };
        send(Ok(Box::new(read_revert(&client, loaded).await)));
    });
}
