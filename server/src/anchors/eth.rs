//! Anchoring on an Ethereum-compatible chain (LACChain / Hyperledger Besu, Ethereum, any JSON-RPC
//! node): a zero-value transaction from the configured account to itself whose calldata is
//! `MINGA` ‖ 0x01 ‖ uint64 BE tree size ‖ root, followed until it has its confirmations.

use alloy::network::{EthereumWallet, TransactionBuilder};
use alloy::primitives::{Address, B256, Bytes, U256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::types::{BlockNumberOrTag, TransactionRequest};
use alloy::signers::local::PrivateKeySigner;
use app::services::anchors::{
    AnchorBackend, BoxFuture, Followed, Progress, Sealed, Sealing, calldata,
};
use app::settings::EthSettings;

pub struct EthAnchor {
    name: String,
    provider: DynProvider,
    sender: Address,
    chain_id: u64,
    confirmations: u64,
}

impl EthAnchor {
    /// Parses the key and URL and asks the node for its chain id (asked again later if the node
    /// is down at start: anchors then wait for it).
    pub async fn connect(settings: &EthSettings) -> anyhow::Result<EthAnchor> {
        let signer: PrivateKeySigner = settings
            .private_key
            .trim()
            .trim_start_matches("0x")
            .parse()
            .map_err(|_| anyhow::anyhow!("MINGA_ETH_KEY is not a 32-byte hex private key"))?;
        let url: alloy::transports::http::reqwest::Url = settings
            .rpc_url
            .parse()
            .map_err(|e| anyhow::anyhow!("MINGA_ETH_RPC is not a URL: {e}"))?;
        let sender = signer.address();
        let provider = ProviderBuilder::new()
            .wallet(EthereumWallet::from(signer))
            .connect_http(url.clone())
            .erased();
        // the chain id names the backend; a node that is down at start is asked again later
        let chain_id = match provider.get_chain_id().await {
            Ok(id) => id,
            Err(e) => {
                tracing::warn!(rpc = %url, error = %e, "the chain's node does not answer yet; anchors wait for it");
                0
            }
        };
        Ok(EthAnchor {
            name: settings.name.clone(),
            provider,
            sender,
            chain_id,
            confirmations: settings.confirmations.max(1),
        })
    }

    async fn send(&self, sealing: &Sealing) -> Result<Progress, String> {
        let tx = TransactionRequest::default()
            .with_from(self.sender)
            .with_to(self.sender)
            .with_value(U256::ZERO)
            .with_input(Bytes::from(calldata(sealing.tree_size, &sealing.root)));
        let pending = self
            .provider
            .send_transaction(tx)
            .await
            .map_err(|e| format!("sending the anchor transaction: {e}"))?;
        Ok(Progress::Sent {
            tx_hash: format!("{:#x}", pending.tx_hash()),
        })
    }

    async fn track(&self, tx_hash: &str) -> Result<Followed, String> {
        let hash: B256 = tx_hash
            .parse()
            .map_err(|_| format!("stored transaction hash {tx_hash} is malformed"))?;
        let receipt = self
            .provider
            .get_transaction_receipt(hash)
            .await
            .map_err(|e| format!("asking for the receipt: {e}"))?;
        let Some(receipt) = receipt else {
            let known = self
                .provider
                .get_transaction_by_hash(hash)
                .await
                .map_err(|e| format!("asking for the transaction: {e}"))?;
            return Ok(if known.is_some() {
                Followed::Waiting
            } else {
                Followed::Unknown
            });
        };
        if !receipt.status() {
            return Err(format!("anchor transaction {tx_hash} failed on chain"));
        }
        let Some(block) = receipt.block_number else {
            return Ok(Followed::Waiting);
        };
        let head = self
            .provider
            .get_block_number()
            .await
            .map_err(|e| format!("asking for the head: {e}"))?;
        if head + 1 < block + self.confirmations {
            return Ok(Followed::Waiting);
        }
        let header = self
            .provider
            .get_block_by_number(BlockNumberOrTag::Number(block))
            .await
            .map_err(|e| format!("asking for block {block}: {e}"))?
            .ok_or_else(|| format!("block {block} is unknown to the node"))?;
        let chain_id = match self.chain_id {
            0 => self
                .provider
                .get_chain_id()
                .await
                .map_err(|e| format!("asking for the chain id: {e}"))?,
            id => id,
        };
        let time = i64::try_from(header.header.timestamp).unwrap_or(0);
        Ok(Followed::Confirmed(Sealed {
            chain_id: Some(chain_id),
            tx_hash: Some(tx_hash.to_string()),
            block_number: Some(block),
            block_time: chrono::DateTime::from_timestamp(time, 0),
            ..Sealed::default()
        }))
    }
}

impl AnchorBackend for EthAnchor {
    fn name(&self) -> &str {
        &self.name
    }

    fn kind(&self) -> &'static str {
        "ethereum"
    }

    fn anchor<'a>(&'a self, sealing: &'a Sealing) -> BoxFuture<'a, Result<Progress, String>> {
        Box::pin(self.send(sealing))
    }

    fn follow<'a>(&'a self, tx_hash: &'a str) -> BoxFuture<'a, Result<Followed, String>> {
        Box::pin(self.track(tx_hash))
    }
}

/// `minga verify --rpc`: re-fetches an anchor's transaction from a node and checks that it
/// succeeded, carries the anchor's calldata, and sits where the receipt says.
pub async fn check_on_chain(
    rpc_url: &str,
    anchor: &app::domain::evidence::receipt::Anchor,
) -> Result<String, String> {
    let url: alloy::transports::http::reqwest::Url = rpc_url
        .parse()
        .map_err(|e| format!("--rpc is not a URL: {e}"))?;
    let provider = ProviderBuilder::new().connect_http(url);
    let detail = |k: &str| anchor.details.get(k).cloned();
    let tx_hash = detail("tx_hash")
        .and_then(|v| v.as_str().map(str::to_string))
        .ok_or("the anchor names no transaction")?;
    let hash: B256 = tx_hash
        .parse()
        .map_err(|_| format!("transaction hash {tx_hash} is malformed"))?;
    if let Some(expected) = detail("chain_id").and_then(|v| v.as_u64()) {
        let chain = provider
            .get_chain_id()
            .await
            .map_err(|e| format!("the node does not answer: {e}"))?;
        if chain != expected {
            return Err(format!(
                "the node is on chain {chain}, the anchor on chain {expected}"
            ));
        }
    }
    let tx = provider
        .get_transaction_by_hash(hash)
        .await
        .map_err(|e| format!("asking for {tx_hash}: {e}"))?
        .ok_or_else(|| format!("the chain has no transaction {tx_hash}"))?;
    let input = alloy::consensus::Transaction::input(&tx);
    match app::services::anchors::parse_calldata(input) {
        Some((size, root)) if size == anchor.tree_size && root == anchor.root => {}
        Some((size, root)) => {
            return Err(format!(
                "transaction {tx_hash} seals size {size} root {root}, not size {} root {}",
                anchor.tree_size, anchor.root
            ));
        }
        None => {
            return Err(format!(
                "transaction {tx_hash} does not carry a Minga anchor"
            ));
        }
    }
    let receipt = provider
        .get_transaction_receipt(hash)
        .await
        .map_err(|e| format!("asking for the receipt of {tx_hash}: {e}"))?
        .ok_or_else(|| format!("transaction {tx_hash} is not mined"))?;
    if !receipt.status() {
        return Err(format!("transaction {tx_hash} failed on chain"));
    }
    if let Some(expected) = detail("block_number").and_then(|v| v.as_u64())
        && receipt.block_number != Some(expected)
    {
        return Err(format!(
            "transaction {tx_hash} is in block {:?}, the receipt says {expected}",
            receipt.block_number
        ));
    }
    Ok(format!(
        "transaction {tx_hash} on the chain seals the tree of {} entries with root {}",
        anchor.tree_size, anchor.root
    ))
}
