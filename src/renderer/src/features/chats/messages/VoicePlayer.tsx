import { useEffect, useRef, useState } from 'react';
import type { AttachmentView } from '../../../../../shared/chat-types';
import { formatClock } from '../../../ui/format';
import { Icon } from '../../../ui/Icon';
import { useMessageActions } from './actions';

const SPEEDS = [1, 1.5, 2] as const;

interface Props {
  attachment: AttachmentView & { hash: string };
  /** The attachment's name for screen readers: "Voice message", or the file name. */
  label: string;
}

/**
 * A voice note or audio file: play/pause, a seek bar, the time (its full length before it has
 * played: the store reads it from the file once) and the playback speed (1×, 1.5×, 2×, kept while
 * the app runs, as WhatsApp does). The <audio> loads nothing until asked to play.
 */
export function VoicePlayer({ attachment, label }: Props) {
  const { mediaUrl } = useMessageActions();
  const audio = useRef<HTMLAudioElement>(null);
  const [playing, setPlaying] = useState(false);
  const [position, setPosition] = useState(0);
  const [loadedMs, setLoadedMs] = useState<number | null>(null);
  const [speed, setSpeed] = useState<number>(sharedSpeed.value);
  const [failed, setFailed] = useState(false);
  const durationMs = attachment.durationMs ?? loadedMs;

  useEffect(() => {
    if (audio.current) audio.current.playbackRate = speed;
  }, [speed]);

  const toggle = () => {
    const el = audio.current;
    if (!el) return;
    if (el.paused) {
      el.playbackRate = speed;
      el.play().catch(() => setFailed(true));
    } else el.pause();
  };

  const nextSpeed = () => {
    const next =
      SPEEDS[(SPEEDS.indexOf(speed as (typeof SPEEDS)[number]) + 1) % SPEEDS.length] ?? 1;
    sharedSpeed.value = next;
    setSpeed(next);
  };

  const max = durationMs ?? 0;
  const shown = playing || position > 0 ? position : max;
  return (
    <div className={`voice${attachment.mediaType === 'voice' ? ' is-voice' : ''}`}>
      <button
        type="button"
        className="voice-play"
        onClick={toggle}
        aria-label={`${playing ? 'Pause' : 'Play'} ${label}`}
      >
        <Icon name={playing ? 'pause' : 'play'} size={18} />
      </button>
      <div className="voice-track">
        <input
          type="range"
          className="voice-seek"
          min={0}
          max={Math.max(1, Math.round(max))}
          step={100}
          value={Math.min(position, max)}
          aria-label={`Position in ${label}`}
          aria-valuetext={`${formatClock(position)} of ${formatClock(max)}`}
          style={
            {
              '--progress': `${max ? (Math.min(position, max) / max) * 100 : 0}%`,
            } as React.CSSProperties
          }
          onChange={(event) => {
            const ms = Number(event.target.value);
            setPosition(ms);
            if (audio.current) audio.current.currentTime = ms / 1000;
          }}
        />
        <div className="voice-meta">
          <span className="voice-time" data-testid="voice-duration">
            {durationMs === null && !playing ? '–:––' : formatClock(shown)}
          </span>
          {failed && <span className="voice-error">Cannot play this file</span>}
        </div>
      </div>
      <button
        type="button"
        className="voice-speed"
        onClick={nextSpeed}
        aria-label={`Playback speed ${speed}×, change`}
        title="Playback speed"
      >
        {speed}×
      </button>
      <audio
        ref={audio}
        src={mediaUrl(attachment.hash)}
        preload="none"
        onPlay={() => setPlaying(true)}
        onPause={() => setPlaying(false)}
        onEnded={() => {
          setPlaying(false);
          setPosition(0);
        }}
        onTimeUpdate={(event) => setPosition(event.currentTarget.currentTime * 1000)}
        onLoadedMetadata={(event) => {
          const seconds = event.currentTarget.duration;
          if (Number.isFinite(seconds)) setLoadedMs(seconds * 1000);
        }}
        onError={() => setFailed(true)}
      />
    </div>
  );
}

/** The speed chosen last, for the next voice note (the app's lifetime). */
const sharedSpeed = { value: 1 };
