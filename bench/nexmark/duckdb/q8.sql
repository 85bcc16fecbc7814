-- q8 for DuckDB: TUMBLE by epoch arithmetic, the sides joined on id and the window's start
SELECT P.id, P.name, make_timestamp(P.ws * 1000) AS starttime
FROM (SELECT id, name, epoch_ms("dateTime") // 10000 * 10000 AS ws
      FROM person GROUP BY ALL) P
JOIN (SELECT seller, epoch_ms("dateTime") // 10000 * 10000 AS ws
      FROM auction GROUP BY ALL) A
ON P.id = A.seller AND P.ws = A.ws
