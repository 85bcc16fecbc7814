-- Nexmark q18: the last bid of each bidder on each auction (deduplication: top-1 per bidder
-- and auction by dateTime, latest first).
SELECT auction, bidder, price, channel, url, "dateTime", extra
FROM (
    SELECT auction, bidder, price, channel, url, "dateTime", extra,
           ROW_NUMBER() OVER (PARTITION BY bidder, auction ORDER BY "dateTime" DESC) AS rank_number
    FROM bid
) D
WHERE rank_number <= 1
