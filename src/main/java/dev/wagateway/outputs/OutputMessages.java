package dev.wagateway.outputs;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

import jakarta.activation.DataHandler;
import jakarta.mail.util.ByteArrayDataSource;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.attachment.AttachmentMessage;
import org.apache.camel.component.http.HttpMethods;

import dev.wagateway.events.QrRenderer;
import dev.wagateway.shared.Digests;
import dev.wagateway.shared.EnvelopeJson;
import dev.wagateway.shared.EventEnvelope;
import dev.wagateway.shared.EventHeaders;
import dev.wagateway.shared.ExchangeProperties;

/**
 * What each output sends, built from the envelope: the JSON envelope with its headers (HTTP, Kafka, RabbitMQ),
 * signed for HTTP endpoints that have a secret (X-Webhook-Signature, or the Standard Webhooks headers), the alert
 * e-mail (with the QR attached for qr events), and the alert that an output was disabled for failing.
 */
class OutputMessages {

    private final OutputCatalog catalog;
    private final QrRenderer qr;
    private final Clock clock;

    public OutputMessages(OutputCatalog catalog, QrRenderer qr) {
        this(catalog, qr, Clock.systemUTC());
    }

    /** With the clock that stamps {@code webhook-timestamp} (a test's fixed one). */
    public OutputMessages(OutputCatalog catalog, QrRenderer qr, Clock clock) {
        this.catalog = catalog;
        this.qr = qr;
        this.clock = clock;
    }

    /**
     * Body = the envelope as JSON; X-Webhook-* headers name it; signed when the output has a secret
     * (X-Webhook-Signature, or the Standard Webhooks headers over exactly these bytes). For a batched
     * output the body is the JSON array of the delivery's envelopes (one session, in order) and X-Webhook-Batch says
     * how many; X-Webhook-Event and X-Webhook-Event-Id then name the first.
     */
    public void envelope(Exchange exchange) {
        EventEnvelope envelope = envelopeOf(exchange);
        Message message = exchange.getMessage();
        @SuppressWarnings("unchecked")
        List<EventEnvelope> batch = exchange.getProperty(OutputDelivery.BATCH, List.class);
        byte[] json = batch == null ? EnvelopeJson.write(envelope) : EnvelopeJson.writeAll(batch);
        if (batch != null) {
            message.setHeader("X-Webhook-Batch", batch.size());
        }
        message.setBody(json);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        // The HTTP producer reads this header as its HttpMethods enum: the text "POST" cost a type-converter
        // registry scan per request (15% of the gateway's CPU with one HTTP output, JFR).
        message.setHeader(Exchange.HTTP_METHOD, HttpMethods.POST);
        message.setHeader("X-Webhook-Event", envelope.event());
        message.setHeader("X-Webhook-Session", envelope.sessionId());
        message.setHeader("X-Webhook-Event-Id", envelope.eventId());
        message.setHeader("X-Webhook-Source", envelope.source());
        String output = message.getHeader(EventHeaders.OUTPUT, String.class);
        catalog.httpSigner(output).ifPresent(signer -> message.setHeader("X-Webhook-Signature", signer.signatureHeader(json)));
        catalog.standardWebhookSigner(output).ifPresent(signer -> {
            // This runs once per attempt (retries and replays call the delivery route again), so the timestamp is the
            // attempt's, as a receiver's tolerance window expects, while the id stays the event's.
            String id = batch == null ? envelope.eventId() : webhookId(batch);
            long timestamp = clock.instant().getEpochSecond();
            message.setHeader("webhook-id", id);
            message.setHeader("webhook-timestamp", timestamp);
            message.setHeader("webhook-signature", signer.signature(id, timestamp, json));
        });
    }

    /**
     * The webhook-id of a batched request. Receivers drop a webhook-id they have seen, so it must change whenever
     * the contents do: a failed batch is retried with whatever the lane holds then (it may have grown), and its
     * events are replayed one by one as dead letters. An array of one is named by its event; a longer one by a
     * digest of its event ids, in order, which the same batch retried gives again.
     */
    static String webhookId(List<EventEnvelope> batch) {
        if (batch.size() == 1) {
            return batch.get(0).eventId();
        }
        StringBuilder ids = new StringBuilder();
        for (EventEnvelope e : batch) {
            ids.append(e.eventId()).append('\n');
        }
        return "batch_" + Digests.sha256Hex(ids.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 32);
    }

    /** A plain-text alert: subject names the session, the event and the reason. */
    public void mail(Exchange exchange) {
        EventEnvelope e = envelopeOf(exchange);
        Outputs.Mail config = catalog.config().getMail();
        String reason = e.firstText("reason,msg,message,state");
        String subject = "[WhatsApp gateway] session " + e.sessionId() + ": " + e.event() + (reason == null ? "" : " (" + reason + ")");
        StringBuilder text = new StringBuilder()
                .append("Session:  ").append(e.sessionId()).append('\n')
                .append("Event:    ").append(e.event()).append('\n')
                .append("At:       ").append(e.receivedAt().toInstant()).append('\n');
        if (reason != null) {
            text.append("Reason:   ").append(reason).append('\n');
        }
        text.append("Event id: ").append(e.eventId()).append('\n');

        Message message = exchange.getMessage();
        message.setHeader("Subject", subject);
        message.setHeader("To", String.join(",", config.getTo()));
        message.setHeader("From", config.getFrom());
        message.setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=UTF-8");
        String code = "qr".equals(e.event()) ? e.text("qr") : null;
        if (code != null) {
            text.append("\nThe session waits for its phone. Scan the attached QR code with WhatsApp on the phone:\n"
                    + "Settings, Linked devices, Link a device. A QR is valid for about 20 seconds; a newer one follows.\n");
            exchange.getMessage(AttachmentMessage.class).addAttachment("whatsapp-qr-" + e.sessionId() + ".png",
                    new DataHandler(new ByteArrayDataSource(qr.png(code), "image/png")));
        }
        message.setBody(text.toString());
    }

    /**
     * The alert that an output was disabled for failing (FailingEndpoints), to the mail output's recipients; it is
     * sent through the mail output's attempt route, so the SMTP endpoint is set here as that route expects.
     */
    public void disabledAlert(Exchange exchange) {
        FailingEndpoints.Disabled d = exchange.getProperty(FailingEndpoints.DISABLED, FailingEndpoints.Disabled.class);
        Outputs.Mail config = catalog.config().getMail();
        String after = DisablePolicy.describe(d.after());
        StringBuilder text = new StringBuilder()
                .append("Output:        ").append(d.output()).append('\n')
                .append("Disabled at:   ").append(d.disabledAt().toInstant()).append('\n')
                .append("Failing since: ").append(d.failingSince().toInstant()).append('\n')
                .append("Last error:    ").append(d.lastError()).append('\n');
        if (d.waiting() >= 0) {
            text.append("Waiting:       ").append(d.waiting()).append(" deliveries in the outbox\n");
        }
        text.append("\nEvery attempt to deliver to ").append(d.output()).append(" has failed for ").append(after)
                .append(" (its disable-after), so the gateway stopped trying. Nothing is lost: its deliveries wait in\n"
                        + "the outbox and go out in order, each session's as accepted, once it is enabled again.\n"
                        + "Fix the endpoint, then press Enable on the console's Outputs page, or:\n\n"
                        + "  curl -X POST -H \"Authorization: Bearer $ADMIN_API_KEY\" "
                        + "http://<gateway>/api/whatsapp/outputs/").append(d.output()).append("/enable\n");
        Message message = exchange.getMessage();
        message.setHeader("Subject", "[WhatsApp gateway] output " + d.output() + " disabled: failing for " + after);
        message.setHeader("To", String.join(",", config.getTo()));
        message.setHeader("From", config.getFrom());
        message.setHeader(Exchange.CONTENT_TYPE, "text/plain; charset=UTF-8");
        message.setBody(text.toString());
        exchange.setProperty("wagatewayOutputEndpoint",
                catalog.byName("mail").map(m -> m.parameters().get("smtpUri")).orElseThrow());
    }

    private static EventEnvelope envelopeOf(Exchange exchange) {
        EventEnvelope envelope = exchange.getProperty(ExchangeProperties.ENVELOPE, EventEnvelope.class);
        return envelope != null ? envelope : exchange.getMessage().getBody(EventEnvelope.class);
    }
}
