-- Nexmark q11: user sessions. The number of bids of each bidder per session: a bidder's bids
-- closer than 10 seconds to one another are one session (the reference's legacy SESSION
-- group window, written as the SESSION table function).
SELECT bidder, count(*) AS bid_count, window_start AS starttime, window_end AS endtime
FROM TABLE(SESSION(TABLE bid, DESCRIPTOR("dateTime"), INTERVAL '10' SECOND))
GROUP BY bidder, window_start, window_end
