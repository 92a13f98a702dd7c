// Catch2 v3 supplies main(); this file keeps the target non-empty.
