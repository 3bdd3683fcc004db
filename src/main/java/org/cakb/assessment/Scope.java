package org.cakb.assessment;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.ArrayList;
import java.util.List;

/**
 * What an assessment covers; any combination of NISTIR 8176 areas (their derived assurance requirements),
 * SP 800-190 countermeasures (sp800-190:4.x.y requirement records), recommendations (the requirements their
 * countermeasures satisfy) and hand-picked requirement ids.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public class Scope {
    public List<String> areas = new ArrayList<>();
    public List<String> countermeasures = new ArrayList<>();
    public List<String> recommendations = new ArrayList<>();
    public List<String> requirements = new ArrayList<>();

    public Scope() {
    }

    public Scope(List<String> areas, List<String> countermeasures, List<String> recommendations, List<String> requirements) {
        this.areas = areas == null ? new ArrayList<>() : new ArrayList<>(areas);
        this.countermeasures = countermeasures == null ? new ArrayList<>() : new ArrayList<>(countermeasures);
        this.recommendations = recommendations == null ? new ArrayList<>() : new ArrayList<>(recommendations);
        this.requirements = requirements == null ? new ArrayList<>() : new ArrayList<>(requirements);
    }

    @JsonIgnore
    public boolean isEmpty() {
        return areas.isEmpty() && countermeasures.isEmpty() && recommendations.isEmpty() && requirements.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Scope s && areas.equals(s.areas) && countermeasures.equals(s.countermeasures)
                && recommendations.equals(s.recommendations) && requirements.equals(s.requirements);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(areas, countermeasures, recommendations, requirements);
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        if (!areas.isEmpty()) parts.add("areas " + String.join(", ", areas));
        if (!countermeasures.isEmpty()) parts.add("SP 800-190 " + String.join(", ", countermeasures));
        if (!recommendations.isEmpty()) parts.add("recommendations " + String.join(", ", recommendations));
        if (!requirements.isEmpty()) parts.add("requirements " + String.join(", ", requirements));
        return String.join("; ", parts);
    }
}
