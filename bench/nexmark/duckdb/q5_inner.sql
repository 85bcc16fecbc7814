-- q5_inner for DuckDB: HOP by epoch arithmetic: a bid's 2 s slot and the four before start windows
SELECT auction, count(*) AS num, make_timestamp(ws * 1000) AS starttime,
       make_timestamp((ws + 10000) * 1000) AS endtime
FROM (SELECT auction, (epoch_ms("dateTime") // 2000) * 2000 - k * 2000 AS ws
      FROM bid, range(0, 5) AS r(k))
GROUP BY auction, ws
