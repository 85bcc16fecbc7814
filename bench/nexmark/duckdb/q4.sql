-- q4 for DuckDB: JOIN ... ON for the comma join
SELECT category, avg(final) AS final
FROM (SELECT max(B.price) AS final, A.category
      FROM auction A JOIN bid B ON A.id = B.auction
      WHERE B."dateTime" BETWEEN A."dateTime" AND A.expires
      GROUP BY A.id, A.category)
GROUP BY category
