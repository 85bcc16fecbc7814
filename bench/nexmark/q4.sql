-- Nexmark q4: average price per category. The winning (largest) bid of each auction among its
-- bids made while it was open (between its dateTime and its expiry), averaged per category.
-- The reference's AVG of a BIGINT is a BIGINT; here avg gives a double precision.
SELECT Q.category, avg(Q.final) AS final
FROM (
    SELECT max(B.price) AS final, A.category
    FROM auction A, bid B
    WHERE A.id = B.auction AND B."dateTime" BETWEEN A."dateTime" AND A.expires
    GROUP BY A.id, A.category
) Q
GROUP BY Q.category
