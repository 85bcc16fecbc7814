-- Nexmark q7: highest bid. The bids at the largest price of their tumbling 10-second window:
-- every bid joined with the windows' maximum prices (B1, named by the window's end) where its
-- time is within the 10 seconds up to that end (inclusive at both ends, as the reference's
-- BETWEEN). Columns in the order of the reference's sink (auction, bidder, price).
SELECT B.auction, B.bidder, B.price, B."dateTime", B.extra
FROM bid B
JOIN (
    SELECT max(price) AS maxprice, window_end AS "dateTime"
    FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR("dateTime"), INTERVAL '10' SECOND))
    GROUP BY window_start, window_end
) B1
ON B.price = B1.maxprice
WHERE B."dateTime" BETWEEN B1."dateTime" - INTERVAL '10' SECOND AND B1."dateTime"
