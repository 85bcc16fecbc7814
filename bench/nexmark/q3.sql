-- Nexmark q3: local item suggestion. The sellers in Oregon, Idaho or California of the
-- auctions in category 10, with each such auction's id: every auction joined with the person
-- who sells it (a join that keeps all rows of both sides).
SELECT P.name, P.city, P.state, A.id
FROM auction AS A
INNER JOIN person AS P ON A.seller = P.id
WHERE A.category = 10 AND (P.state = 'OR' OR P.state = 'ID' OR P.state = 'CA')
