-- q7_inner for DuckDB: TUMBLE by epoch arithmetic (make_timestamp takes microseconds)
SELECT max(price) AS maxprice,
       make_timestamp((epoch_ms("dateTime") // 10000 + 1) * 10000000) AS "dateTime"
FROM bid
GROUP BY 2
