-- Read membership of assessments (issue #17): viewers see only the assessments an admin granted them; assessors see
-- the ones they are assigned to (assessment_assessor) or granted. Admins and api-read tokens see all.
CREATE TABLE assessment_member (
    assessment_id bigint      NOT NULL REFERENCES assessment (id),
    user_id       bigint      NOT NULL REFERENCES app_user (id),
    granted_by    text        NOT NULL,
    granted_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (assessment_id, user_id)
);
CREATE INDEX assessment_member_user_idx ON assessment_member (user_id);
CREATE INDEX assessment_assessor_user_idx ON assessment_assessor (user_id);

-- No grants are made here: until now every viewer read every assessment, which is the gap being closed (least
-- privilege). After the upgrade viewers see no assessment until an admin grants it (README, "Assessment membership").
