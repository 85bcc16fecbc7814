-- Nexmark q7's inner query (highest bid): the largest price in each tumbling 10-second window,
-- named by the window's end. The reference joins it back with the bids to find the bids at
-- that price within the window (spate has no joins yet).
SELECT max(price) AS maxprice, window_end AS "dateTime"
FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR("dateTime"), INTERVAL '10' SECOND))
GROUP BY window_start, window_end
