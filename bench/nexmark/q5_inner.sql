-- Nexmark q5's inner query (hot items): the number of bids per auction in sliding windows of
-- 10 seconds that advance every 2 seconds. The reference joins this with its maximum per
-- window to keep the auctions with the most bids (spate has no joins yet).
SELECT auction, count(*) AS num, window_start AS starttime, window_end AS endtime
FROM TABLE(HOP(TABLE bid, DESCRIPTOR("dateTime"), INTERVAL '2' SECOND, INTERVAL '10' SECOND))
GROUP BY auction, window_start, window_end
