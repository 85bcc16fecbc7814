-- q18 for DuckDB: QUALIFY for the filter on ROW_NUMBER in a subquery
SELECT auction, bidder, price, channel, url, "dateTime", extra
FROM bid
QUALIFY row_number() OVER (PARTITION BY bidder, auction ORDER BY "dateTime" DESC) <= 1
