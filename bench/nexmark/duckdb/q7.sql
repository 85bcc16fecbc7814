-- q7 for DuckDB: each 10 s TUMBLE window's largest price by epoch arithmetic, named by its end
WITH w AS (
    SELECT max(price) AS maxprice,
           make_timestamp((epoch_ms("dateTime") // 10000 + 1) * 10000000) AS e
    FROM bid GROUP BY 2)
SELECT B.auction, B.bidder, B.price, B."dateTime", B.extra
FROM bid B JOIN w ON B.price = w.maxprice
WHERE B."dateTime" BETWEEN w.e - INTERVAL 10 SECOND AND w.e
