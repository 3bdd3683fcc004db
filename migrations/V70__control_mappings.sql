-- SP 800-53 Rev. 5 controls become a record kind (content/controls), and requirements and countermeasures map to them.
-- A mapping row lives in the mapping record's attributes ("controls": [{control, relationship, basis, source,
-- locator, rationale}]) and as a kb_link "maps-to"; this view flattens the rows for the rollups and exports.

ALTER TABLE kb_record DROP CONSTRAINT kb_record_kind_check;
ALTER TABLE kb_record ADD CONSTRAINT kb_record_kind_check
    CHECK (kind IN ('source', 'requirement', 'threat', 'countermeasure', 'recommendation', 'platform',
                    'platform-default', 'probe', 'control'));

CREATE VIEW kb_control_mapping AS
SELECT r.id                    AS record_id,
       r.kind                  AS record_kind,
       m.row ->> 'control'     AS control_id,
       m.row ->> 'relationship' AS relationship,
       m.row ->> 'basis'       AS basis,
       m.row ->> 'source'      AS source_id,
       m.row ->> 'locator'     AS locator,
       m.row ->> 'rationale'   AS rationale,
       m.ord                   AS position
FROM kb_record r
CROSS JOIN LATERAL jsonb_array_elements(coalesce(r.attributes -> 'controls', '[]'::jsonb)) WITH ORDINALITY AS m(row, ord)
WHERE r.status = 'active' AND r.kind IN ('requirement', 'countermeasure');
