package dev.wagateway.store;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Media files kept off the database (store.MediaStore). */
@ConfigurationProperties(prefix = "gateway.media")
class MediaProperties {
    /** Where media files are written, named by their SHA-256. */
    private String dir = "./data/media";

    public String getDir() { return dir; }
    public void setDir(String dir) { this.dir = dir; }
}
