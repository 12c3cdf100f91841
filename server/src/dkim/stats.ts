// The tally behind mailroom_dkim_signatures_total{result}, read at scrape time.
export const DKIM_SIGNATURES = { signed: 0, no_key: 0, failed: 0 };
