-- q19 for DuckDB: QUALIFY for the filter on ROW_NUMBER in a subquery
SELECT auction, bidder, price, channel, url, "dateTime", extra,
       row_number() OVER (PARTITION BY auction ORDER BY price DESC) AS rank_number
FROM bid
QUALIFY rank_number <= 10
