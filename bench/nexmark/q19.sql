-- Nexmark q19: the ten highest bids of each auction, each with its rank (top-10 per auction by
-- price).
SELECT auction, bidder, price, channel, url, "dateTime", extra, rank_number
FROM (
    SELECT auction, bidder, price, channel, url, "dateTime", extra,
           ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rank_number
    FROM bid
) T
WHERE rank_number <= 10
