package org.cakb.cluster;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;

/**
 * Dedicated connections to the application's PostgreSQL, outside the pool: the LISTEN connection lives as long as
 * the app, and an advisory lock taken on a session must die with that session (a pooled connection handed back
 * while still holding a lock would keep it for whoever borrows it next).
 */
@ApplicationScoped
public class ClusterDb {

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String url;
    @ConfigProperty(name = "quarkus.datasource.username")
    Optional<String> user;
    @ConfigProperty(name = "quarkus.datasource.password")
    Optional<String> password;

    public Connection connect() throws SQLException {
        Properties p = new Properties();
        user.ifPresent(u -> p.setProperty("user", u));
        password.ifPresent(pw -> p.setProperty("password", pw));
        p.setProperty("connectTimeout", "5");
        p.setProperty("ApplicationName", "cakb-cluster");
        // a dead server is noticed by the next getNotifications/statement rather than after TCP's long timeout
        p.setProperty("tcpKeepAlive", "true");
        return DriverManager.getConnection(url, p);
    }
}
