package dev.wagateway.store;

/** The database refused the event's values (not the database's fault): the sender gets a 400. */
public class UnstorableEventException extends RuntimeException {
    public UnstorableEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
