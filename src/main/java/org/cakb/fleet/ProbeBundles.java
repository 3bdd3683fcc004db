package org.cakb.fleet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.cakb.catalog.ContentLoaded;
import org.cakb.catalog.ProbeBundleConverter;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** The probe bundle agents fetch, built from content/probes with the same converter the agent build uses. */
@ApplicationScoped
public class ProbeBundles {

    @ConfigProperty(name = "cakb.content.dir")
    Path contentDir;

    private volatile String current;

    void contentChanged(@Observes ContentLoaded event) {
        current = null;
    }

    public String current() {
        String bundle = current;
        if (bundle == null) {
            try {
                bundle = ProbeBundleConverter.toJson(ProbeBundleConverter.convert(contentDir.resolve("probes")));
            } catch (IOException e) {
                throw new UncheckedIOException("could not build the probe bundle from content/probes", e);
            }
            current = bundle;
        }
        return bundle;
    }
}
