"""The work-order service: stores calls, transcripts and work orders (工单) and serves them."""
